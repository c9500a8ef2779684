import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { ProjectDetail } from '../../../src/shared/domain'
import { ERROR_CODES } from '../../../src/shared/result'
import { MAX_ERROR_MESSAGE } from '../../../src/main/core/dispatch'
import { confinedFileAccess } from '../../../src/main/core/file-access'
import { startCore, type TestCore } from '../../helpers/core'
import { tempDir } from '../../helpers/temp'
import { toneWav } from '../../helpers/tone'
import { seeded } from './frame-corpus'
import { payload, templates, type Seeds } from './payloads'

const RUNS = 10_000
/** Fixed, so that a failure is the same on every machine; printed with every finding. */
const SEED = 20261203

let core: TestCore | undefined
afterAll(() => core?.close())

async function seed(core: TestCore, home: string): Promise<Seeds> {
  const audioPath = join(home, 'tone.wav')
  toneWav(audioPath, 0.1)
  const project = await core.call('projects.create', { name: 'Seed' })
  const track = await core.call('tracks.create', { projectId: project.id })
  const asset = await core.call('assets.import', { projectId: project.id, path: audioPath })
  const clip = await core.call('clips.create', { trackId: track.id, assetId: asset.id, start: 0 })
  const folder = join(home, 'out')
  mkdirSync(folder)
  return {
    projectId: project.id,
    trackId: track.id,
    assetId: asset.id,
    clipId: clip.id,
    folder,
    audioPath,
    base64: readFileSync(audioPath).toString('base64'),
  }
}

/** What a refusal must leave as it was: every project's row and the seed project's contents. */
async function fingerprint(core: TestCore, projectId: string): Promise<string> {
  const list = await core.dispatch('projects.list', {})
  const detail = await core.dispatch('projects.get', { projectId })
  const strip = (value: unknown) => JSON.stringify(value)
  return strip(list) + strip(detail.ok ? (detail.value as ProjectDetail).tracks : detail)
}

describe('contract fuzz', () => {
  it(`answers ${RUNS.toLocaleString('en')} seeded hostile payloads with well-formed results, changing nothing when it refuses`, async () => {
    const home = tempDir()
    const dataDir = join(home, 'data')
    core = startCore(dataDir, { files: confinedFileAccess(home, dataDir) })
    const seeds = await seed(core, home)
    const methods = templates(seeds)
    const random = seeded(SEED)
    let changed = 0
    core.events.onAny((event) => {
      if (event === 'projects.changed') changed++
    })
    const findings: string[] = []
    const codes = new Map<string, number>()
    let maxMs = 0
    let maxRss = 0
    for (let run = 0; run < RUNS; run++) {
      const { method, params } = payload(random, seeds, methods)
      const before = await fingerprint(core, seeds.projectId)
      const changesBefore = changed
      const started = performance.now()
      const result = await core.dispatch(method, params)
      maxMs = Math.max(maxMs, performance.now() - started)
      const describe = () =>
        `#${run} (seed ${SEED}) ${String(method)} ${JSON.stringify(params).slice(0, 300)} → ${JSON.stringify(result).slice(0, 300)}`
      if (result.ok) {
        codes.set('ok', (codes.get('ok') ?? 0) + 1)
        continue
      }
      const { code, message, field } = result.error
      codes.set(code, (codes.get(code) ?? 0) + 1)
      if (!ERROR_CODES.includes(code) || typeof message !== 'string' || message.length === 0)
        findings.push(`malformed: ${describe()}`)
      if (message.length > MAX_ERROR_MESSAGE || (field?.length ?? 0) > MAX_ERROR_MESSAGE)
        findings.push(`long: ${describe()}`)
      if (code === 'internal') findings.push(`internal: ${describe()}`)
      if (changed !== changesBefore || (await fingerprint(core, seeds.projectId)) !== before) {
        findings.push(`changed after a refusal: ${describe()}`)
      }
      if (run % 500 === 0) maxRss = Math.max(maxRss, process.memoryUsage().rss)
    }
    maxRss = Math.max(maxRss, process.resourceUsage().maxRSS * 1024)
    console.info(
      `contract fuzz: ${RUNS} payloads (seed ${SEED}), ${findings.length} findings, 0 crashes, ` +
        `max ${Math.round(maxMs)} ms per call, max RSS ${Math.round(maxRss / 2 ** 20)} MB; answers ${JSON.stringify(Object.fromEntries(codes))}`,
    )
    expect(findings.slice(0, 20)).toEqual([])
  }, 600_000)
})
