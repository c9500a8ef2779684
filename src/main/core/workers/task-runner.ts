import type { TaskHandlers, TaskInput, TaskKind, TaskOutput, TaskRunner, TaskTable } from './types'

/**
 * Runs tasks in this thread, one after another: for a core started without a worker script (unit
 * tests of the features, tools). Same handlers, same answers as the pool.
 */
export class InlineRunner<T extends TaskTable<T>> implements TaskRunner<T> {
  readonly parallelism = 1

  constructor(private readonly handlers: TaskHandlers<T>) {}

  async run<K extends TaskKind<T>>(kind: K, input: TaskInput<T, K>): Promise<TaskOutput<T, K>> {
    return (await this.handlers[kind](input)).value
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}
