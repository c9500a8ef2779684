/**
 * The work that runs on worker threads, as a table of task kinds with their input and output.
 * Inputs and outputs cross threads by structured clone; big buffers are transferred.
 */
// Each feature adds its tasks here and their implementation in task-handlers.ts.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface WorkerTasks {}

export type TaskKind = keyof WorkerTasks

export type TaskInput<K extends TaskKind> = WorkerTasks[K] extends { input: infer I } ? I : never
export type TaskOutput<K extends TaskKind> = WorkerTasks[K] extends { output: infer O } ? O : never

/** A handler's answer: the value, and the buffers to move (not copy) to the caller. */
export interface TaskAnswer<O> {
  value: O
  transfer?: ArrayBuffer[]
}

export type TaskHandlers = {
  [K in TaskKind]: (input: TaskInput<K>) => Promise<TaskAnswer<TaskOutput<K>>>
}

/** Runs tasks: on a pool of worker threads in the app, or in this thread (see task-runner.ts). */
export interface TaskRunner {
  /** How many tasks run at the same time; callers split work into about this many parts. */
  readonly parallelism: number
  run<K extends TaskKind>(
    kind: K,
    input: TaskInput<K>,
    transfer?: ArrayBuffer[],
  ): Promise<TaskOutput<K>>
  close(): Promise<void>
}
