import type { TaskRunner } from '../../src/main/core/workers/types'
import type { CoreTasks } from '../../src/main/core/task-table'

export interface ManualTask<I> {
  input: I
  finish(error?: Error): void
}

/**
 * A task runner whose tasks finish when the test says so, recording what ran; a task that
 * finishes answers `answer(input)`.
 */
export function manualRunner<I>(parallelism: number, answer: (input: I) => unknown) {
  const started: ManualTask<I>[] = []
  const runner = {
    parallelism,
    run: (_kind: string, input: I) =>
      new Promise((resolve, reject) => {
        started.push({
          input,
          finish: (error) => (error ? reject(error) : resolve(answer(input))),
        })
      }),
    close: () => Promise.resolve(),
  } as unknown as TaskRunner<CoreTasks>
  return { runner, started }
}

export const tick = () => new Promise((resolve) => setImmediate(resolve))
