// Shared setup of the job queue tests: a core pointed at the fakes, keys in a memory keychain,
// an instant sleep that still yields to I/O, and waiting for a take to reach a status.
import type { Generation, GenerationStatus } from '../../../src/shared/domain'
import type { Provider } from '../../../src/shared/musicgen'
import type { Sleep } from '../../../src/main/core/providers/http'
import { makeWav } from '../../fakes/common'
import { memoryKeychain, startCore, type TestCore } from '../../helpers/core'

export const REPLICATE_TOKEN = 'r8_test_token'
export const SCENARIO_KEY = 'key_test'
export const SCENARIO_SECRET = 'secret_test'

/**
 * A controllable clock and a sleep that moves it: a sleep returns on the next turn of the event
 * loop (so sockets progress) with the clock advanced by what was asked, which is recorded.
 */
export function instantSleep(): { sleep: Sleep; sleeps: number[]; clock: () => number } {
  const sleeps: number[] = []
  let offset = 0
  const clock = (): number => Date.now() + offset
  const sleep: Sleep = (ms, signal) =>
    new Promise((resolve, reject) => {
      sleeps.push(ms)
      offset += Math.max(0, ms)
      if (signal?.aborted === true) {
        reject(signal.reason as Error)
        return
      }
      const onAbort = (): void => {
        clearImmediate(timer)
        reject(signal?.reason as Error)
      }
      const timer = setImmediate(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      })
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  return { sleep, sleeps, clock }
}

/** A known sequence in [0, 1): distinct seeds, reproducible jitter. */
export function seededRandom(seed = 42): () => number {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return x / 2 ** 32
  }
}

export interface JobsCoreOptions {
  replicate?: string
  scenario?: string
  cog?: string
  keys?: boolean
  fetch?: typeof globalThis.fetch
  sleep?: Sleep
  random?: () => number
  /** The core's clock (default: real time moved on by the instant sleep). */
  clock?: () => number
  localEngineScript?: string
}

export interface JobsCore extends TestCore {
  sleeps: number[]
  events: TestCore['events']
  updates: Generation[]
}

export async function startJobsCore(dir: string, o: JobsCoreOptions = {}): Promise<JobsCore> {
  const keychain = memoryKeychain()
  if (o.keys !== false) {
    await keychain.set('replicate', REPLICATE_TOKEN)
    await keychain.set('scenario-key', SCENARIO_KEY)
    await keychain.set('scenario-secret', SCENARIO_SECRET)
  }
  const env: Record<string, string> = {}
  if (o.replicate !== undefined) env.MUSICSKETCH_REPLICATE_URL = o.replicate
  if (o.scenario !== undefined) env.MUSICSKETCH_SCENARIO_URL = o.scenario
  if (o.cog !== undefined) env.MUSICSKETCH_COG_URL = o.cog
  const instant = instantSleep()
  const core = startCore(dir, {
    keychain,
    env,
    fetch: o.fetch ?? globalThis.fetch,
    sleep: o.sleep ?? instant.sleep,
    clock: o.clock ?? (o.sleep === undefined ? instant.clock : Date.now),
    random: o.random ?? seededRandom(),
    localEngineScript: o.localEngineScript,
  })
  const updates: Generation[] = []
  core.events.onAny((event, payload) => {
    if (event === 'generation.updated') updates.push(payload as Generation)
  })
  return { ...core, sleeps: instant.sleeps, updates }
}

/** Queues one take on `provider` and returns it as created (status queued). */
export async function createTake(
  core: TestCore,
  projectId: string,
  provider: Provider,
  params: Record<string, unknown>,
): Promise<Generation> {
  const [g] = await core.call('generations.create', { projectId, provider, params })
  return g!
}

const TERMINAL: readonly GenerationStatus[] = ['succeeded', 'failed', 'canceled', 'needs_decision']

/** Resolves with the take once it reaches one of `statuses` (default: an end state). */
export async function waitFor(
  core: TestCore,
  generationId: string,
  statuses: readonly GenerationStatus[] = TERMINAL,
  timeoutMs = 15_000,
): Promise<Generation> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const g = await core.call('generations.get', { generationId })
    if (statuses.includes(g.status)) return g
    if (Date.now() > deadline) {
      throw new Error(`take ${generationId} stayed ${g.status}: ${JSON.stringify(g)}`)
    }
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** Waits until a condition holds (fake counters, file system), polling every few ms. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** A project with one track, and an imported WAV to use as input audio. */
export async function projectWithAudio(
  core: TestCore,
  seconds = 3,
  channels = 1,
): Promise<{ projectId: string; trackId: string; assetId: string }> {
  const project = await core.call('projects.create', { name: 'Sketch' })
  const track = await core.call('tracks.create', { projectId: project.id })
  const asset = await core.call('assets.import', {
    projectId: project.id,
    name: 'riff.wav',
    data: makeWav(seconds, channels).toString('base64'),
  })
  return { projectId: project.id, trackId: track.id, assetId: asset.id }
}
