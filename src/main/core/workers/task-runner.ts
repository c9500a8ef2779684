import { taskHandlers } from './task-handlers'
import type { TaskInput, TaskKind, TaskOutput, TaskRunner } from './tasks'

/**
 * Runs tasks in this thread, one after another: for a core started without a worker script (unit
 * tests of the features, tools). Same handlers, same answers as the pool.
 */
export class InlineRunner implements TaskRunner {
  readonly parallelism = 1

  async run<K extends TaskKind>(kind: K, input: TaskInput<K>): Promise<TaskOutput<K>> {
    const handler = taskHandlers[kind] as (input: TaskInput<K>) => Promise<{
      value: TaskOutput<K>
    }>
    return (await handler(input)).value
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}
