import { type ChildProcessByStdio, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { type Readable } from 'node:stream'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { FakeClock } from '../../fakes/common'
import { type ReplicateFake, startReplicateFake } from '../../fakes/replicate'
import { bundleChild } from '../../helpers/bundle'
import { tempDir } from '../../helpers/temp'
import { type JobsCore, REPLICATE_TOKEN, startJobsCore, waitFor } from './helpers'

let child = ''
let fake: ReplicateFake | null = null
let core: JobsCore | null = null

beforeAll(async () => {
  child = await bundleChild(join(import.meta.dirname, '../children/generation-child.ts'))
})

afterEach(async () => {
  core?.close()
  core = null
  await fake?.close()
  fake = null
})

interface Line {
  id: string
  status: string
}

/** Runs the child until `killWhen` holds, then SIGKILLs it; returns the lines it printed. */
async function runAndKill(
  dir: string,
  url: string,
  killWhen: (lines: Line[]) => boolean,
): Promise<Line[]> {
  const proc: ChildProcessByStdio<null, Readable, Readable> = spawn(
    process.execPath,
    [child, dir, url, REPLICATE_TOKEN],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const lines: Line[] = []
  let stderr = ''
  let buffered = ''
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  await new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (proc.exitCode === null && proc.signalCode === null && killWhen(lines)) {
        proc.kill('SIGKILL')
      }
    }
    proc.stdout.on('data', (c: Buffer) => {
      buffered += c.toString()
      const parts = buffered.split('\n')
      buffered = parts.pop() ?? ''
      for (const p of parts) lines.push(JSON.parse(p) as Line)
      check()
    })
    // The fake's counters change without output from the child: look at them too.
    const timer = setInterval(check, 5)
    proc.once('exit', (code, signal) => {
      clearInterval(timer)
      if (signal === 'SIGKILL') resolve()
      else reject(new Error(`child exited ${code}: ${stderr}`))
    })
  })
  return lines
}

describe('a take survives the app being killed (real child process, SIGKILL)', () => {
  it('while submitting: reconciles, finds the prediction, pays once, stores the audio', async () => {
    // The fake's clock is real time: reconciliation bounds its search by when the request left.
    fake = await startReplicateFake({ clock: new FakeClock(Date.now()) })
    // The create is accepted, then never answered: the row stays in `submitting`.
    fake.state.faults.add(
      { kind: 'hang-after' },
      1,
      (m, p) => m === 'POST' && p === '/v1/predictions',
    )
    const dir = tempDir()
    const f = fake
    const lines = await runAndKill(
      dir,
      f.url,
      (ls) => f.state.created === 1 && ls.some((l) => l.status === 'submitting'),
    )
    const id = lines[0]!.id
    expect(lines.map((l) => l.status)).not.toContain('running')

    core = await startJobsCore(dir, { replicate: f.url })
    const before = await core.call('generations.get', { generationId: id })
    expect(['submitting', 'running', 'downloading', 'succeeded']).toContain(before.status)
    const done = await waitFor(core, id)
    expect(done.status).toBe('succeeded')
    expect(f.state.created).toBe(1)
    expect(f.state.requests).toContain('GET /v1/predictions')
    expect(done.providerJobId).toBe([...f.state.predictions.keys()][0])
    await expectAudioStored(core, done.projectId, done.outputAssetId)
  })

  it('while running: resumes polling the same prediction, pays once, stores the audio', async () => {
    fake = await startReplicateFake({ clock: new FakeClock(Date.now()), advanceOnPoll: false })
    const dir = tempDir()
    const f = fake
    const lines = await runAndKill(dir, f.url, (ls) => ls.some((l) => l.status === 'running'))
    const id = lines[0]!.id
    expect(f.state.created).toBe(1)
    f.state.tick(10) // it finishes while the app is down

    core = await startJobsCore(dir, { replicate: f.url })
    const done = await waitFor(core, id)
    expect(done.status).toBe('succeeded')
    expect(f.state.created).toBe(1)
    // Nothing was listed: the row had the prediction id.
    expect(f.state.requests).not.toContain('GET /v1/predictions')
    await expectAudioStored(core, done.projectId, done.outputAssetId)
  })
})

async function expectAudioStored(
  core: JobsCore,
  projectId: string,
  assetId: string | null,
): Promise<void> {
  expect(assetId).not.toBeNull()
  const assets = await core.call('assets.list', { projectId })
  const asset = assets.find((a) => a.id === assetId)
  expect(asset).toMatchObject({ origin: 'generation', channels: 2 })
  const media = await core.media(assetId!)
  expect(media?.kind).toBe('file')
  if (media?.kind === 'file') expect(existsSync(media.path)).toBe(true)
}
