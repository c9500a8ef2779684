// A project with thousands of finished takes, made as the app makes them: the project and the
// takes' audio through the contract, the takes written by the generation store (no provider runs
// 10,000 requests in a test). Ready, failed and canceled only: nothing for the queue to resume.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DATABASE_FILE } from '../../src/main/core/core'
import { GenerationsTable } from '../../src/main/core/store/generations'
import { openDb } from '../../src/main/core/store/db'
import { TakeStarsTable } from '../../src/main/core/store/take-stars'
import type { GenerationStatus } from '../../src/shared/domain'
import { startCore } from './core'
import { tempDir } from './temp'
import { toneWav } from './tone'

export interface TakesFixture {
  projectId: string
  /** Take ids, newest first (the list's order). */
  ids: string[]
  prompts: readonly string[]
  statusOf: ReadonlyMap<string, GenerationStatus>
  promptOf: ReadonlyMap<string, string>
  starred: ReadonlySet<string>
}

export interface TakesFixtureOptions {
  takes: number
  /** Distinct audio files the ready takes share (each is imported once). */
  sounds?: number
  prompts?: readonly string[]
  /** Every n-th take is starred. */
  starEvery?: number
}

const DEFAULT_PROMPTS = [
  'warm rhodes, lazy swing',
  'glitchy breakbeat, 174 bpm',
  'ambient pads over tape hiss',
  'brass stabs, funk',
  'solo cello, minor key',
]

/** Every 10th take failed, every 25th canceled, the rest ready. */
function statusAt(index: number): GenerationStatus {
  if (index % 25 === 24) return 'canceled'
  if (index % 10 === 9) return 'failed'
  return 'succeeded'
}

export async function buildTakesProject(
  dataDir: string,
  options: TakesFixtureOptions,
): Promise<TakesFixture> {
  const prompts = options.prompts ?? DEFAULT_PROMPTS
  const core = startCore(dataDir, { workerScript: null })
  const project = await core.call('projects.create', { name: `${options.takes} takes` })
  await core.call('tracks.create', { projectId: project.id })
  const audioDir = tempDir()
  const assets: string[] = []
  for (let i = 0; i < (options.sounds ?? 8); i++) {
    const path = toneWav(join(audioDir, `take-${i}.wav`), 1 + i * 0.25)
    const data = readFileSync(path).toString('base64')
    const asset = await core.call('assets.import', {
      projectId: project.id,
      name: `take ${i}`,
      data,
    })
    assets.push(asset.id)
  }
  core.close()

  const db = openDb(join(dataDir, DATABASE_FILE))
  const store = new GenerationsTable(db, () => Date.now())
  const stars = new TakeStarsTable(db)
  const statusOf = new Map<string, GenerationStatus>()
  const promptOf = new Map<string, string>()
  const starred = new Set<string>()
  const ids: string[] = []
  const start = Date.now() - options.takes * 60_000
  db.transaction(() => {
    for (let i = 0; i < options.takes; i++) {
      const id = crypto.randomUUID()
      const prompt = prompts[i % prompts.length]!
      const seed = 1000 + i
      store.insert({
        id,
        projectId: project.id,
        trackId: null,
        provider: 'replicate',
        params: { prompt, duration: 8, seed, model_version: 'stereo-melody-large' },
        seed,
        inputAssetId: null,
        status: 'queued',
        // A minute apart, oldest first: newest first is the reverse of this loop.
        createdAt: start + i * 60_000,
      })
      const status = statusAt(i)
      if (status === 'succeeded') {
        store.transition(id, ['queued'], 'downloading', {
          progress: 1,
          startedAt: start + i * 60_000,
        })
        store.transition(id, ['downloading'], 'succeeded', {
          outputAssetId: assets[i % assets.length]!,
          cost: { predictSeconds: 12.5 },
          completedAt: start + i * 60_000 + 20_000,
        })
      } else if (status === 'failed') {
        store.transition(id, ['queued'], 'failed', {
          error: { code: 'provider_failed', message: 'The model ran out of GPU memory' },
        })
      } else {
        store.transition(id, ['queued'], 'canceled')
      }
      if (options.starEvery && i % options.starEvery === 0) {
        stars.set(project.id, id, true, start + i)
        starred.add(id)
      }
      statusOf.set(id, status)
      promptOf.set(id, prompt)
      ids.push(id)
    }
  })
  db.close()
  return { projectId: project.id, ids: ids.reverse(), prompts, statusOf, promptOf, starred }
}
