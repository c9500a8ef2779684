import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { FlacEncoder } from '../../../src/main/core/audio/formats/flac/encode'
import {
  FLAC_CHUNK_FRAMES,
  renderFlacFile,
  type FlacFileInput,
} from '../../../src/main/core/export/flac-file-task'
import { renderFlacFiles } from '../../../src/main/core/export/flac-files'
import { runInLanes } from '../../../src/main/core/workers/run-in-lanes'
import { reportChunks, TaskSignals } from '../../../src/main/core/export/task-signals'
import { makeTempDir } from '../../helpers/audio'
import { manualRunner, tick } from '../../helpers/manual-runner'

const stem = { gainDb: 0, clips: [] }
const job = {
  plan: { sampleRate: 48000, sources: [], stems: [stem, stem, stem] },
  bitsPerSample: 24 as const,
  frames: 1000,
}
const files = ['a', 'b', 'c', 'mix'].map((path) => ({ path, dataOffset: 42 }))

/** What a finished file task has told its export: every chunk of the file rendered. */
function finishedFile(input: FlacFileInput) {
  reportChunks(input.signals?.words, input.signals?.slot ?? 0, Math.ceil(input.frames / 4096))
  return { bytes: 1 }
}

describe('renderFlacFiles', () => {
  it('encodes the mix first, then each stem, a file per task, progress by files', async () => {
    const { runner, started } = manualRunner<FlacFileInput>(2, finishedFile)
    const progress: [number, number][] = []
    const done = renderFlacFiles(runner, job, files, true, (d, t) => progress.push([d, t]))
    await tick()
    expect(started.map((task) => task.input.stem)).toEqual([null, 0])
    started[1]!.finish()
    await tick()
    expect(started.map((task) => task.input.stem)).toEqual([null, 0, 1])
    started[0]!.finish()
    await tick()
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

  it('reports the progress of running files as they render their chunks', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const { runner, started } = manualRunner<FlacFileInput>(2, finishedFile)
      const progress: number[] = []
      const long = { ...job, frames: 10_000 }
      const done = renderFlacFiles(runner, long, files, true, (d) => progress.push(d))
      await tick()
      const [mix, first] = started.map((task) => task.input.signals!)
      reportChunks(mix!.words, mix!.slot, 1)
      reportChunks(first!.words, first!.slot, 3) // the last chunk is not a whole one
      vi.advanceTimersByTime(100)
      expect(progress).toEqual([FLAC_CHUNK_FRAMES + 10_000])
      vi.advanceTimersByTime(100)
      expect(progress).toHaveLength(1) // nothing new, nothing said
      for (let k = 0; k < 4; k++) {
        started[k]!.finish()
        await tick()
      }
      await done
      expect(progress.at(-1)).toBe(40_000)
      expect(progress.every((d, i) => i === 0 || d > progress[i - 1]!)).toBe(true)
    } finally {
      vi.useRealTimers()
    }
  })

  it("raises the cancel flag of running files and reports the signal's reason", async () => {
    const { runner, started } = manualRunner<FlacFileInput>(2, finishedFile)
    const controller = new AbortController()
    const done = renderFlacFiles(runner, job, files, true, () => undefined, controller.signal)
    await tick()
    expect(started).toHaveLength(2)
    const flag = started[0]!.input.signals!.words
    expect(Atomics.load(flag, 0)).toBe(0)
    const reason = new Error('canceled by the musician')
    controller.abort(reason)
    expect(Atomics.load(flag, 0)).toBe(1)
    // The running tasks see the flag and stop with an error of their own.
    for (const task of started) task.finish(new Error('the export was canceled'))
    await expect(done).rejects.toBe(reason)
    expect(started).toHaveLength(2)
  })

  it('refuses files that do not match the stems', async () => {
    const { runner } = manualRunner<FlacFileInput>(1, finishedFile)
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

  it('starts nothing more once its signal is aborted, and throws the reason', async () => {
    const ran: number[] = []
    const release: (() => void)[] = []
    const controller = new AbortController()
    const running = runInLanes(
      [1, 2, 3, 4],
      1,
      async (item) => {
        ran.push(item)
        await new Promise<void>((resolve) => release.push(resolve))
      },
      controller.signal,
    )
    await tick()
    controller.abort(new Error('stop'))
    release[0]!()
    await expect(running).rejects.toThrow('stop')
    expect(ran).toEqual([1])
    // Aborted after the last item started: still thrown once everything is done.
    const late = new AbortController()
    const last = runInLanes(
      [1],
      1,
      () => Promise.resolve(late.abort(new Error('late'))),
      late.signal,
    )
    await expect(last).rejects.toThrow('late')
  })
})

describe('renderFlacFile', () => {
  it('stops between chunks once canceled, and counts its chunks otherwise', async () => {
    const tmp = makeTempDir('flac-cancel')
    try {
      const path = join(tmp.dir, 'silence.flac')
      const header = new FlacEncoder({ sampleRate: 48000, channels: 2, bitsPerSample: 24 }).header()
      writeFileSync(path, header)
      const input = { ...job, stem: 0, path, dataOffset: header.length, frames: 20_000 }
      const canceled = new TaskSignals(2, AbortSignal.abort())
      expect(() =>
        renderFlacFile({ ...input, signals: { words: canceled.words, slot: 1 } }),
      ).toThrow('the export was canceled')
      const running = new TaskSignals(2)
      const { value } = await renderFlacFile({
        ...input,
        signals: { words: running.words, slot: 1 },
      })
      expect(value.bytes).toBe(statSync(path).size)
      // Every chunk counted, at its own slot.
      expect([running.chunks(0), running.chunks(1)]).toEqual([0, Math.ceil(20_000 / 4096)])
    } finally {
      tmp.cleanup()
    }
  })
})
