import { describe, expect, it } from 'vitest'
import { RANGE_FRAMES, renderWavRanges } from '../../../src/main/core/export/wav-ranges'
import { manualRunner, tick } from '../../helpers/manual-runner'

const job = {
  plan: { sampleRate: 48000, sources: [], stems: [] },
  format: 'int24' as const,
  files: [],
  withMix: false,
}

type Range = { from: number; to: number }

function rangeRunner(parallelism: number) {
  const { runner, started } = manualRunner<Range>(parallelism, ({ from, to }) => ({
    frames: to - from,
    direct: false,
  }))
  return { runner, started }
}

describe('renderWavRanges', () => {
  it('covers the export with ranges, a few in flight, progress growing to the total', async () => {
    const frames = 5 * RANGE_FRAMES + 123
    const { runner, started } = rangeRunner(2)
    const progress: [number, number][] = []
    const done = renderWavRanges(runner, job, frames, (d, t) => progress.push([d, t]))
    await tick()
    expect(started).toHaveLength(4) // two per task the runner runs at once
    // Finishing out of order still reports growing progress.
    started[1]!.finish()
    started[0]!.finish()
    while (started.some((range) => range.input.to === frames) === false) await tick()
    for (const range of started.slice(2)) range.finish()
    await done
    expect(started.map(({ input: { from, to } }) => [from, to])).toEqual([
      ...Array.from({ length: 5 }, (_, i) => [i * RANGE_FRAMES, (i + 1) * RANGE_FRAMES]),
      [5 * RANGE_FRAMES, frames],
    ])
    expect(progress.map(([, total]) => total).every((total) => total === frames)).toBe(true)
    expect(progress.map(([d]) => d)).toEqual([
      RANGE_FRAMES,
      2 * RANGE_FRAMES,
      3 * RANGE_FRAMES,
      4 * RANGE_FRAMES,
      5 * RANGE_FRAMES,
      frames,
    ])
  })

  it('starts no range after a failure and settles the running ones before throwing', async () => {
    const { runner, started } = rangeRunner(1)
    let settled = false
    const done = renderWavRanges(runner, job, 10 * RANGE_FRAMES, () => undefined).finally(() => {
      settled = true
    })
    await tick()
    expect(started).toHaveLength(2)
    started[0]!.finish(Object.assign(new Error('disk full'), { code: 'ENOSPC' }))
    await tick()
    expect(started).toHaveLength(2)
    expect(settled).toBe(false) // the second range still runs
    started[1]!.finish()
    await expect(done).rejects.toMatchObject({ code: 'ENOSPC' })
    expect(started).toHaveLength(2)
  })
})
