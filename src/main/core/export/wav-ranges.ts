import type { TaskRunner } from '../workers/tasks'
import type { WavRangeInput } from './wav-range-task'

/** Frames per task: enough work to dwarf a task's cost, small enough for steady progress. */
export const RANGE_FRAMES = 1 << 17

/**
 * Renders a WAV export on the task runner, range by range (see wav-range-task.ts): as many ranges
 * in flight as the runner runs at once, plus one queued per worker so none waits for the next.
 * Progress counts the frames of finished ranges, and says whether a range's samples went
 * straight to the disk. On the first failure no further range starts;
 * the ranges already running are waited for (they write into the files the caller will remove),
 * then the failure is thrown.
 */
export async function renderWavRanges(
  tasks: TaskRunner,
  job: Omit<WavRangeInput, 'from' | 'to'>,
  frames: number,
  onProgress: (done: number, total: number, range: { direct: boolean }) => void,
): Promise<void> {
  const ranges: [number, number][] = []
  for (let from = 0; from < frames; from += RANGE_FRAMES) {
    ranges.push([from, Math.min(frames, from + RANGE_FRAMES)])
  }
  let next = 0
  let done = 0
  let failure: { error: unknown } | undefined
  const lane = async (): Promise<void> => {
    while (!failure && next < ranges.length) {
      const [from, to] = ranges[next++]!
      let direct: boolean
      try {
        ;({ direct } = await tasks.run('export-wav-range', { ...job, from, to }))
      } catch (error) {
        failure ??= { error }
        return
      }
      done += to - from
      if (!failure) onProgress(done, frames, { direct })
    }
  }
  const lanes = Math.max(1, tasks.parallelism * 2)
  await Promise.all(Array.from({ length: Math.min(lanes, ranges.length) }, lane))
  if (failure) throw failure.error
}
