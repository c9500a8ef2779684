// The job queue's own cost, without timing assertions:
// 1. from the Replicate fake answering `succeeded` (30 s stereo 32 kHz WAV) to the take's audio
//    stored with its peaks (median of 20);
// 2. the queue's overhead per job for 200 queued jobs, against an instant in-process provider.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Generation } from '../src/shared/domain'
import type { ClientFactory } from '../src/main/core/jobs/clients'
import type {
  JobSnapshot,
  PreparedRequest,
  ProviderClient,
} from '../src/main/core/providers/provider'
import { makeWav } from '../tests/fakes/common'
import { startReplicateFake } from '../tests/fakes/replicate'
import { memoryKeychain, startCore } from '../tests/helpers/core'
import { instantSleep, seededRandom } from '../tests/integration/jobs/helpers'

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

function tempDataDir(base = tmpdir()): string {
  return mkdtempSync(join(base, 'musicsketch-bench-'))
}

function waitSucceeded(updates: Generation[], id: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const last = updates.filter((u) => u.id === id).at(-1)
      if (last?.status === 'succeeded') {
        clearInterval(timer)
        resolve()
      } else if (last?.status === 'failed') {
        clearInterval(timer)
        reject(new Error(JSON.stringify(last.error)))
      }
    }, 1)
  })
}

describe('job queue benchmark', () => {
  it('stores a 30 s stereo take after the provider answers succeeded', async () => {
    const fake = await startReplicateFake({ maxOutputSeconds: 30 })
    const dir = tempDataDir()
    const answered = new Map<string, number>()
    const stored = new Map<string, number>()
    // Notes when a poll answer saying `succeeded` reaches the app.
    const timedFetch: typeof fetch = async (input, init) => {
      const res = await fetch(input, init)
      const url = String(input instanceof Request ? input.url : input)
      const m = /\/v1\/predictions\/([^/]+)$/.exec(url)
      if (m !== null && (init?.method ?? 'GET') === 'GET') {
        const body = (await res.clone().json()) as { status?: string }
        if (body.status === 'succeeded' && !answered.has(m[1]!)) {
          answered.set(m[1]!, performance.now())
        }
      }
      return res
    }
    const keychain = memoryKeychain()
    await keychain.set('replicate', 'r8_test_token')
    const instant = instantSleep()
    const core = startCore(dir, {
      keychain,
      env: { MUSICSKETCH_REPLICATE_URL: fake.url },
      fetch: timedFetch,
      sleep: instant.sleep,
      clock: instant.clock,
      random: seededRandom(7),
    })
    const updates: Generation[] = []
    core.events.onAny((event, payload) => {
      if (event !== 'generation.updated') return
      const g = payload as Generation
      updates.push(g)
      if (g.status === 'succeeded' && g.providerJobId !== null) {
        stored.set(g.providerJobId, performance.now())
      }
    })
    const project = await core.call('projects.create', { name: 'Bench' })
    const figures: number[] = []
    for (let i = 0; i < 21; i++) {
      const [g] = await core.call('generations.create', {
        projectId: project.id,
        provider: 'replicate',
        params: { prompt: 'bench', duration: 30, model_version: 'stereo-large' },
      })
      await waitSucceeded(updates, g!.id)
      const done = await core.call('generations.get', { generationId: g!.id })
      const id = done.providerJobId!
      const ms = stored.get(id)! - answered.get(id)!
      // The first take warms up the decoder and the statement cache.
      if (i > 0) figures.push(ms)
      const peaks = await core.call('assets.peaks', {
        assetId: done.outputAssetId!,
        framesPerPeak: 4096,
      })
      expect(peaks.frames).toBe(30 * 32_000)
    }
    core.close()
    await fake.close()
    rmSync(dir, { recursive: true, force: true })
    console.log(
      `succeeded → stored with peaks (30 s stereo 32 kHz WAV, median of ${figures.length}): ` +
        `${median(figures).toFixed(1)} ms (min ${Math.min(...figures).toFixed(1)}, max ${Math.max(...figures).toFixed(1)}; target < 150 ms)`,
    )
  })

  it('schedules 200 queued jobs', async () => {
    const disk = await queue200(tempDataDir())
    console.log(
      `queue overhead, 200 queued jobs (instant provider, tiny outputs stored), data dir on disk: ` +
        `${disk.perJob.toFixed(2)} ms/job (${disk.events} events; target < 5 ms)`,
    )
    // The same on tmpfs, where fsync costs nothing: how much of the figure above is the disk.
    if (existsSync('/dev/shm')) {
      const memory = await queue200(tempDataDir('/dev/shm'))
      console.log(`  same with the data dir on tmpfs: ${memory.perJob.toFixed(2)} ms/job`)
    }
  })
})

async function queue200(dir: string): Promise<{ perJob: number; events: number }> {
  // An instant provider: every call answers at once, so what is measured is the queue's work
  // (rows, transitions, events, scheduling) plus storing a tiny output per take.
  const wav = makeWav(0.05, 2)
  const snapshot = (id: string, seed: number): JobSnapshot => {
    const bytes = Buffer.from(wav)
    bytes.writeUInt32LE(seed, 44) // distinct audio per take, as real takes are
    return {
      providerJobId: id,
      status: 'succeeded',
      providerStatus: 'succeeded',
      progress: 1,
      logs: `Using seed ${seed}\n`,
      seedUsed: seed,
      outputRef: {
        kind: 'data-url',
        dataUrl: `data:audio/wav;base64,${bytes.toString('base64')}`,
      },
      error: null,
      cost: { predictSeconds: 1 },
    }
  }
  const seeds = new Map<string, number>()
  const instantClient: ProviderClient = {
    id: 'replicate',
    prepare: (job) => {
      seeds.set(job.clientId, job.params.seed)
      return Promise.resolve({ provider: 'replicate', clientId: job.clientId, body: {} })
    },
    submit: (req: PreparedRequest) =>
      Promise.resolve({
        providerJobId: req.clientId,
        snapshot: snapshot(req.clientId, seeds.get(req.clientId) ?? 1),
        cost: null,
      }),
    poll: (id) => Promise.resolve(snapshot(id, seeds.get(id) ?? 1)),
    cancel: () => Promise.resolve({ confirmed: true, message: 'ok' }),
    reconcile: () => Promise.resolve({ kind: 'absent' }),
    verifyCredentials: () => Promise.resolve(),
    // eslint-disable-next-line @typescript-eslint/require-await
    download: async function* (ref) {
      if (ref.kind !== 'data-url') throw new Error('unexpected')
      yield Buffer.from(ref.dataUrl.split(',')[1]!, 'base64')
    },
    estimate: () => Promise.resolve({}),
  }
  const clients: ClientFactory = () => instantClient
  const keychain = memoryKeychain()
  await keychain.set('replicate', 'r8_test_token')
  const instant = instantSleep()
  const core = startCore(dir, {
    keychain,
    sleep: instant.sleep,
    clock: instant.clock,
    random: seededRandom(9),
    providerClients: clients,
  })
  const updates: Generation[] = []
  let succeeded = 0
  let allDone: () => void = () => undefined
  const finished = new Promise<void>((resolve) => (allDone = resolve))
  core.events.onAny((event, payload) => {
    if (event !== 'generation.updated') return
    const g = payload as Generation
    updates.push(g)
    if (g.status === 'succeeded' && ++succeeded === 200) allDone()
  })
  const project = await core.call('projects.create', { name: 'Queue bench' })
  const start = performance.now()
  for (let i = 0; i < 25; i++) {
    await core.call('generations.create', {
      projectId: project.id,
      provider: 'replicate',
      params: { prompt: `take ${i}`, duration: 1, model_version: 'stereo-large' },
      takes: 8,
    })
  }
  await finished
  const total = performance.now() - start
  const ready = await core.call('generations.list', { projectId: project.id, view: 'ready' })
  expect(ready.total).toBe(200)
  core.close()
  rmSync(dir, { recursive: true, force: true })
  return { perJob: total / 200, events: updates.length }
}
