import { parentPort } from 'node:worker_threads'
import { coreTaskHandlers } from './task-table'
import { serveTasks } from './workers/serve-tasks'

// The entry of a worker thread: runs the core's tasks the pool sends, one at a time.
if (!parentPort) throw new Error('worker-main runs only as a worker thread')
serveTasks(parentPort, coreTaskHandlers)
