import { runInLanes } from '../workers/run-in-lanes'
import type { TaskRunner } from '../workers/types'
import { FLAC_CHUNK_FRAMES, type FlacFileInput, type FlacFileTask } from './flac-file-task'
import { TaskSignals } from './task-signals'

/** How often the progress of the running files is looked at. */
const PROGRESS_MS = 100

/**
 * Renders the FLAC files of an export on the task runner, one file per task (see
 * flac-file-task.ts), the mix first since it takes longest. `files` holds the temporary file of
 * each stem in order, then the mix's when withMix, with where its header ends. Progress counts
 * the frames rendered in every file (out of frames × files), also within the running tasks. On a
 * failure no further file starts; the running ones are waited for, then the failure is thrown
 * (the caller removes the files). Canceling stops the running files too.
 */
export async function renderFlacFiles(
  tasks: TaskRunner<FlacFileTask>,
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
  const shared = new TaskSignals(order.length, signal)
  let reported = 0
  let failed = false
  const report = (): void => {
    let done = 0
    for (let k = 0; k < order.length; k++) {
      done += Math.min(job.frames, shared.chunks(k) * FLAC_CHUNK_FRAMES)
    }
    if (!failed && done > reported) onProgress((reported = done), total)
  }
  const timer = setInterval(report, PROGRESS_MS)
  try {
    await runInLanes(
      order.map((file, slot) => ({ file, slot })),
      tasks.parallelism,
      async ({ file, slot }) => {
        try {
          await tasks.run('export-flac-file', {
            ...job,
            ...file,
            signals: { words: shared.words, slot },
          })
          report()
        } catch (error) {
          failed = true
          throw signal?.aborted ? signal.reason : error
        }
      },
      signal,
    )
  } finally {
    clearInterval(timer)
    shared.dispose()
  }
}
