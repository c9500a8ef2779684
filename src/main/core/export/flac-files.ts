import type { TaskRunner } from '../workers/tasks'
import { cancelFlag } from './cancel-flag'
import type { FlacFileInput } from './flac-file-task'
import { runInLanes } from './task-lanes'

/**
 * Renders the FLAC files of an export on the task runner, one file per task (see
 * flac-file-task.ts), the mix first since it takes longest. `files` holds the temporary file of
 * each stem in order, then the mix's when withMix, with where its header ends. Progress grows by a file's frames as each
 * file is done, out of frames × files. On a failure no further file starts; the running ones are
 * waited for, then the failure is thrown (the caller removes the files).
 */
export async function renderFlacFiles(
  tasks: TaskRunner,
  job: Pick<FlacFileInput, 'plan' | 'bitsPerSample' | 'frames'>,
  files: readonly Pick<FlacFileInput, 'path' | 'dataOffset'>[],
  withMix: boolean,
  onProgress: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const stems = job.plan.stems.length
  if (files.length !== stems + (withMix ? 1 : 0)) {
    throw new RangeError('a FLAC export needs one file per stem, and one for the mix')
  }
  const order: (Pick<FlacFileInput, 'path' | 'dataOffset'> & { stem: number | null })[] = [
    ...(withMix ? [{ ...files[stems]!, stem: null }] : []),
    ...files.slice(0, stems).map((file, k) => ({ ...file, stem: k })),
  ]
  const total = job.frames * order.length
  let done = 0
  let failed = false
  // A file takes seconds: a cancellation must reach the running tasks, not only the next ones.
  const { flag, dispose } = cancelFlag(signal)
  try {
    await runInLanes(
      order,
      tasks.parallelism,
      async (file) => {
        try {
          await tasks.run('export-flac-file', { ...job, ...file, canceled: flag })
          done += job.frames
          if (!failed) onProgress(done, total)
        } catch (error) {
          failed = true
          throw signal?.aborted ? signal.reason : error
        }
      },
      signal,
    )
  } finally {
    dispose()
  }
}
