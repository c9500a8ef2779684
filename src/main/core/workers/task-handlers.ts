import type { TaskHandlers } from './tasks'

/** The implementation of every worker task, shared by the worker entry and the inline runner. */
export const taskHandlers: TaskHandlers = {}
