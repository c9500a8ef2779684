import { describe, expect, it } from 'vitest'
import type { FlacFileInput } from '../../../src/main/core/export/flac-file-task'
import { renderFlacFiles } from '../../../src/main/core/export/flac-files'
import { runInLanes } from '../../../src/main/core/export/task-lanes'
import { manualRunner, tick } from './manual-runner'

const stem = { gainDb: 0, clips: [] }
const job = {
  plan: { sampleRate: 48000, sources: [], stems: [stem, stem, stem] },
  bitsPerSample: 24 as const,
  frames: 1000,
}
const files = ['a', 'b', 'c', 'mix'].map((path) => ({ path, dataOffset: 42 }))

describe('renderFlacFiles', () => {
  it('encodes the mix first, then each stem, a file per task, progress by files', async () => {
    const { runner, started } = manualRunner<FlacFileInput>(2, () => ({ bytes: 1 }))
    const progress: [number, number][] = []
    const done = renderFlacFiles(runner, job, files, true, (d, t) => progress.push([d, t]))
    await tick()
    expect(started.map((task) => task.input.stem)).toEqual([null, 0])
    started[1]!.finish()
    await tick()
    expect(started.map((task) => task.input.stem)).toEqual([null, 0, 1])
    started[0]!.finish()
    started[2]!.finish()
    await tick()
    started[3]!.finish()
    await done
    expect(started.map(({ input }) => [input.stem, input.path])).toEqual([
      [null, 'mix'],
      [0, 'a'],
      [1, 'b'],
      [2, 'c'],
    ])
    expect(progress).toEqual([1000, 2000, 3000, 4000].map((d) => [d, 4000]))
  })

  it('refuses files that do not match the stems', async () => {
    const { runner } = manualRunner<FlacFileInput>(1, () => ({ bytes: 1 }))
    await expect(renderFlacFiles(runner, job, files, false, () => undefined)).rejects.toThrow(
      /one file per stem/,
    )
  })
})

describe('runInLanes', () => {
  it('runs items in order, a lane at a time each, and stops at the first failure', async () => {
    const ran: number[] = []
    const release: (() => void)[] = []
    const failing = runInLanes([1, 2, 3, 4, 5], 2, async (item) => {
      ran.push(item)
      await new Promise<void>((resolve) => release.push(resolve))
      if (item === 2) throw new Error('two failed')
    })
    await tick()
    expect(ran).toEqual([1, 2])
    release[1]!() // 2 fails: nothing more starts, 1 still runs
    await tick()
    expect(ran).toEqual([1, 2])
    release[0]!()
    await expect(failing).rejects.toThrow('two failed')
    expect(ran).toEqual([1, 2])
    await expect(runInLanes([], 4, () => Promise.resolve())).resolves.toBeUndefined()
  })
})
