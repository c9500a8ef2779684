import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { ProjectDetail } from '../../../src/shared/domain'
import { exportStems, type StemsRequest } from '../../../src/main/core/export/stems'
import {
  MAX_FILE_NAME_BYTES,
  mixFileName,
  sidecarFileName,
  stemFileName,
} from '../../../src/main/core/export/file-names'
import { InlineRunner } from '../../../src/main/core/workers/task-runner'
import { makeTempDir } from '../../helpers/audio'
import { mixedProject, writeSources } from './project-fixture'
import { coreTaskHandlers } from '../../../src/main/core/task-table'

// Issue 17 items 10 and 11: planted links, long names, folders in the way, parallel exports.
const tmp = makeTempDir('export-safety')
const assets = writeSources(tmp.dir)
afterAll(() => tmp.cleanup())

let dirs = 0
function folder(): string {
  const directory = join(tmp.dir, `out-${++dirs}`)
  mkdirSync(directory)
  return directory
}

function named(project: string, tracks?: string[]): ProjectDetail {
  const base = mixedProject(false)
  return {
    ...base,
    name: project,
    tracks: base.tracks.map((t, i) => ({ ...t, name: tracks?.[i] ?? t.name })),
  }
}

function request(directory: string, fields: Partial<StemsRequest> = {}): StemsRequest {
  return {
    project: named('Safety'),
    assets,
    takes: new Map(),
    directory,
    format: 'wav',
    bitDepth: 16,
    sampleRate: 48000,
    includeMix: true,
    protection: 'limiter',
    overwrite: false,
    onProgress: () => undefined,
    now: 0,
    tasks: new InlineRunner(coreTaskHandlers),
    ...fields,
  }
}

const bytes = (name: string) => Buffer.byteLength(name, 'utf8')

describe('planted links', () => {
  it('never writes through a link planted at the sidecar’s temporary name', async () => {
    const directory = folder()
    const victim = join(tmp.dir, `victim-${dirs}.txt`)
    writeFileSync(victim, 'precious')
    symlinkSync(victim, join(directory, 'Safety - stems.json.part'))
    await exportStems(request(directory))
    expect(readFileSync(victim, 'utf8')).toBe('precious')
    expect(JSON.parse(readFileSync(join(directory, 'Safety - stems.json'), 'utf8'))).toMatchObject({
      generator: 'MusicSketch',
    })
  })

  it('refuses, touching nothing, a link at a final name, even with overwrite', async () => {
    const directory = folder()
    const victim = join(tmp.dir, `victim-${dirs}.txt`)
    writeFileSync(victim, 'precious')
    const stem = join(directory, stemFileName('Safety', 1, 'Drums', 'wav'))
    symlinkSync(victim, stem)
    writeFileSync(join(directory, sidecarFileName('Safety')), 'old sidecar')
    await expect(exportStems(request(directory, { overwrite: true }))).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/is a link/) as unknown,
    })
    expect(readFileSync(victim, 'utf8')).toBe('precious')
    expect(lstatSync(stem).isSymbolicLink()).toBe(true)
    expect(readFileSync(join(directory, sidecarFileName('Safety')), 'utf8')).toBe('old sidecar')
  })
})

describe('long names', () => {
  const cases: [string, string, string][] = [
    ['120 CJK characters', '音'.repeat(120), '楽'.repeat(120)],
    ['120 + 120 ASCII characters', 'p'.repeat(120), 't'.repeat(120)],
    ['60 emoji', '🎸'.repeat(60), '👩‍👩‍👧‍👦'.repeat(60)],
  ]
  it.each(cases)('exports with %s, every name within the byte limit', async (_, project, track) => {
    const directory = folder()
    const result = await exportStems(
      request(directory, { project: named(project, [track, track, track, track, track]) }),
    )
    const files = readdirSync(directory).sort()
    expect(files).toEqual([...result.files].sort())
    // Three audible stems, the mix and the sidecar: distinct names, none too long.
    expect(new Set(files).size).toBe(5)
    for (const file of files) expect(bytes(file)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES)
    // Characters are never cut in half.
    for (const file of files) expect(file).not.toContain('\uFFFD')
  })

  it('keeps the stems of tracks named alike apart once shortened', () => {
    const a = stemFileName('x'.repeat(300), 1, 'y'.repeat(300), 'wav')
    const b = stemFileName('x'.repeat(300), 2, 'y'.repeat(300), 'wav')
    expect(a).not.toBe(b)
    for (const name of [
      a,
      b,
      mixFileName('x'.repeat(300), 'flac'),
      sidecarFileName('é'.repeat(300)),
    ])
      expect(bytes(name)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES)
  })
})

describe('overwriting', () => {
  it('refuses before touching anything when a folder has the sidecar’s name', async () => {
    const directory = folder()
    await exportStems(request(directory))
    const before = readdirSync(directory).sort()
    const stem = join(directory, stemFileName('Safety', 1, 'Drums', 'wav'))
    const old = readFileSync(stem)
    const sidecar = join(directory, sidecarFileName('Safety'))
    // The sidecar replaced by a folder of that name.
    writeFileSync(join(tmp.dir, 'moved.json'), readFileSync(sidecar))
    await import('node:fs/promises').then((fs) => fs.rm(sidecar))
    mkdirSync(sidecar)
    await expect(exportStems(request(directory, { overwrite: true }))).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/is a folder/) as unknown,
    })
    expect(readdirSync(directory).sort()).toEqual(before)
    expect(readFileSync(stem).equals(old)).toBe(true)
  })

  it('runs two overwriting exports of same-named projects into one folder one after the other', async () => {
    const directory = folder()
    const first = named('Twin', ['One', 'Two', 'Three', 'Four', 'Five'])
    const second = { ...named('Twin', ['One', 'Two', 'Three', 'Four', 'Five']), id: 'other' }
    const results = await Promise.allSettled([
      exportStems(request(directory, { project: first, overwrite: true, now: 1 })),
      exportStems(request(directory, { project: second, overwrite: true, now: 2 })),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled'])
    // The later export's files are all there, whole: its sidecar and every file it names.
    const sidecar = JSON.parse(readFileSync(join(directory, sidecarFileName('Twin')), 'utf8')) as {
      project: { id: string }
      mix: string
      tracks: { file: string | null }[]
    }
    expect(sidecar.project.id).toBe('other')
    for (const file of [sidecar.mix, ...sidecar.tracks.map((t) => t.file)]) {
      if (file) expect(existsSync(join(directory, file)), file).toBe(true)
    }
    expect(readdirSync(directory).filter((f) => f.endsWith('.part'))).toEqual([])
  })
})
