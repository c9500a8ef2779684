import type { MessagePort } from 'node:worker_threads'
import type { TaskAnswer, TaskHandlers, TaskTable } from './types'
import { serializeError } from './worker-errors'
import type { TaskReply, TaskRequest } from './worker-protocol'

type AnyHandler = (input: unknown) => Promise<TaskAnswer<unknown>>

/** Answers the tasks the pool sends on `port` with `handlers`, one at a time (a worker's loop). */
export function serveTasks<T extends TaskTable<T>>(
  port: MessagePort,
  handlers: TaskHandlers<T>,
): void {
  const table = handlers as Partial<Record<string, AnyHandler>>
  port.on('message', (request: TaskRequest) => {
    void answer(table, request).then(({ reply, transfer }) => port.postMessage(reply, transfer))
  })
}

async function answer(
  handlers: Partial<Record<string, AnyHandler>>,
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
