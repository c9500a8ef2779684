import { parentPort } from 'node:worker_threads'
import { taskHandlers } from './task-handlers'
import type { TaskAnswer } from './tasks'
import { serializeError } from './worker-errors'
import type { TaskReply, TaskRequest } from './worker-protocol'

// The entry of a worker thread: runs the tasks the pool sends, one at a time.
const port = parentPort
if (!port) throw new Error('worker-main runs only as a worker thread')
type AnyHandler = (input: unknown) => Promise<TaskAnswer<unknown>>
const handlers = taskHandlers as Partial<Record<string, AnyHandler>>

port.on('message', (request: TaskRequest) => {
  void answer(request).then(({ reply, transfer }) => port.postMessage(reply, transfer))
})

async function answer(
  request: TaskRequest,
): Promise<{ reply: TaskReply; transfer: ArrayBuffer[] }> {
  const handler = handlers[request.kind]
  try {
    if (!handler) throw new Error(`unknown worker task ${request.kind}`)
    const { value, transfer } = await handler(request.input)
    return { reply: { id: request.id, ok: true, value }, transfer: transfer ?? [] }
  } catch (error) {
    return { reply: { id: request.id, ok: false, error: serializeError(error) }, transfer: [] }
  }
}
