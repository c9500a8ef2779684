import { runInLanes } from '../workers/run-in-lanes'
import type { TaskRunner } from '../workers/types'
import type { WavRangeInput, WavRangeTask } from './wav-range-task'

/** Frames per task: enough work to dwarf a task's cost, small enough for steady progress. */
export const RANGE_FRAMES = 1 << 17

/**
 * Renders a WAV export on the task runner, range by range (see wav-range-task.ts): as many ranges
 * in flight as the runner runs at once, plus one queued per worker so none waits for the next.
 * Progress counts the frames of finished ranges, and says whether a range's samples went
 * straight to the disk. On the first failure no further range starts; the ranges already running
 * are waited for (they write into the files the caller will remove), then the failure is thrown.
 */
export async function renderWavRanges(
  tasks: TaskRunner<WavRangeTask>,
  job: Omit<WavRangeInput, 'from' | 'to'>,
  frames: number,
  onProgress: (done: number, total: number, range: { direct: boolean }) => void,
  signal?: AbortSignal,
): Promise<void> {
  const ranges: [number, number][] = []
  for (let from = 0; from < frames; from += RANGE_FRAMES) {
    ranges.push([from, Math.min(frames, from + RANGE_FRAMES)])
  }
  let done = 0
  let failed = false
  await runInLanes(
    ranges,
    tasks.parallelism * 2,
    async ([from, to]) => {
      try {
        const { direct } = await tasks.run('export-wav-range', { ...job, from, to })
        done += to - from
        if (!failed) onProgress(done, frames, { direct })
      } catch (error) {
        failed = true
        throw error
      }
    },
    signal,
  )
}
