// What a task table, its handlers and a runner are, for any set of tasks. Imports nothing: each
// feature declares its tasks with these types next to its code, and workers/ knows no feature.

/** One task: its input and output cross threads by structured clone; big buffers are transferred. */
export interface TaskSpec {
  input: unknown
  output: unknown
}

/** A table of task kinds, each with its input and output (`{ 'kind': { input; output } }`). */
export type TaskTable<T> = { [K in keyof T]: TaskSpec }

export type TaskKind<T> = keyof T & string
export type TaskInput<T extends TaskTable<T>, K extends keyof T> = T[K]['input']
export type TaskOutput<T extends TaskTable<T>, K extends keyof T> = T[K]['output']

/** A handler's answer: the value, and the buffers to move (not copy) to the caller. */
export interface TaskAnswer<O> {
  value: O
  transfer?: ArrayBuffer[]
}

/** The implementation of every task of a table. */
export type TaskHandlers<T extends TaskTable<T>> = {
  [K in keyof T]: (input: TaskInput<T, K>) => Promise<TaskAnswer<TaskOutput<T, K>>>
}

/**
 * Runs the tasks of a table: on a pool of worker threads (worker-pool.ts), or in this thread
 * (task-runner.ts). A runner of a larger table serves wherever a runner of part of it is asked for.
 */
export interface TaskRunner<T extends TaskTable<T>> {
  /** How many tasks run at the same time; callers split work into about this many parts. */
  readonly parallelism: number
  run<K extends TaskKind<T>>(
    kind: K,
    input: TaskInput<T, K>,
    transfer?: ArrayBuffer[],
  ): Promise<TaskOutput<T, K>>
  close(): Promise<void>
}
