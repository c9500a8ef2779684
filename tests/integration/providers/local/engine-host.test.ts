import { execFileSync } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import {
  LocalEngineHost,
  type EngineRun,
} from '../../../../src/main/core/providers/local/engine-host'
import { TINY_MODEL, localEngineScript } from '../../../helpers/local-engine-script'

// The host keeps the model loaded in its worker from one take to the next and lets it go on
// close (as after its idle time): warm or cold, the same request gives the same audio.

/** The engine processes this test process has started and that are still running. */
function engineProcesses(): string[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], {
    encoding: 'utf8',
  })
  return out.split('\n').filter((line) => line.includes('local-engine'))
}

const job = (
  seconds: number,
  onProgress: EngineRun['onProgress'] = () => undefined,
): EngineRun => ({
  modelDir: TINY_MODEL,
  quantized: true,
  request: {
    prompt: 'warm tape loop',
    seconds,
    seed: 7,
    topK: 250,
    topP: 0,
    temperature: 1,
    guidance: 3,
  },
  onProgress,
})

describe('local engine host (tiny random-weight model)', () => {
  const host = new LocalEngineHost(localEngineScript())
  afterAll(() => host.close())
  const signal = new AbortController().signal

  it('loads the model once for consecutive takes and again after it was released', async () => {
    const first = await host.run(job(1), signal)
    const second = await host.run(job(1), signal)
    await host.close()
    const third = await host.run(job(1), signal)
    expect([first.warm, second.warm, third.warm]).toEqual([false, true, false])
    expect(second.samples).toEqual(first.samples)
    expect(third.samples).toEqual(first.samples)
  })

  it('runs the model in a process of its own, which exits when the model is released', async () => {
    const out = await host.run(job(1), signal)
    expect(engineProcesses()).toHaveLength(1)
    // The engine's memory is its process's, not this one's.
    expect(out.rssBytes).not.toBe(process.memoryUsage().rss)
    await host.close()
    expect(engineProcesses()).toEqual([])
  })

  it('keeps the model after a canceled take, and the next take is whole', async () => {
    const abort = new AbortController()
    const canceled = host.run(
      job(30, (done) => {
        if (done === 5) abort.abort()
      }),
      abort.signal,
    )
    await expect(canceled).rejects.toMatchObject({ code: 'canceled' })
    const next = await host.run(job(1), signal)
    expect(next.warm).toBe(true)
    expect(next.samples).toHaveLength(32_000)
  })
})
