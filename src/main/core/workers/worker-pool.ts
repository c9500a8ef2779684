import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { TaskInput, TaskKind, TaskOutput, TaskRunner, TaskTable } from './types'
import { deserializeError } from './worker-errors'
import type { TaskReply, TaskRequest } from './worker-protocol'

interface Pending {
  resolve(value: unknown): void
  reject(error: Error): void
}

interface Slot {
  worker: Worker
  /** Tasks sent to this worker and not answered yet. */
  pending: Map<number, Pending>
}

/**
 * A fixed pool of worker threads running `script` (the core's is worker-main.ts, which answers
 * with serveTasks). Workers start on
 * first use and are unref'd, so an idle pool never keeps the process alive. A task goes to the
 * worker with the fewest tasks in flight; a worker that dies fails its tasks and is replaced.
 */
export class WorkerPool<T extends TaskTable<T>> implements TaskRunner<T> {
  readonly parallelism: number
  readonly #slots: (Slot | undefined)[]
  #nextId = 1
  #closed = false

  constructor(
    readonly script: string,
    size = Math.max(1, Math.min(4, availableParallelism())),
  ) {
    this.parallelism = size
    this.#slots = Array.from({ length: size }, () => undefined)
  }

  run<K extends TaskKind<T>>(
    kind: K,
    input: TaskInput<T, K>,
    transfer: ArrayBuffer[] = [],
  ): Promise<TaskOutput<T, K>> {
    if (this.#closed) return Promise.reject(new Error('the worker pool is closed'))
    const slot = this.#leastBusy()
    const id = this.#nextId++
    return new Promise<TaskOutput<T, K>>((resolve, reject) => {
      slot.pending.set(id, { resolve: (value) => resolve(value), reject })
      if (slot.pending.size === 1) slot.worker.ref()
      const request: TaskRequest = { id, kind, input }
      try {
        slot.worker.postMessage(request, transfer)
      } catch (error) {
        slot.pending.delete(id)
        reject(error instanceof Error ? error : new Error(String(error)))
      }
    })
  }

  async close(): Promise<void> {
    this.#closed = true
    const slots = this.#slots.filter((slot): slot is Slot => slot !== undefined)
    this.#slots.fill(undefined)
    await Promise.all(slots.map((slot) => slot.worker.terminate()))
    for (const slot of slots) this.#fail(slot, new Error('the worker pool was closed'))
  }

  #leastBusy(): Slot {
    let empty = -1
    let best: Slot | undefined
    for (let i = 0; i < this.#slots.length; i++) {
      const slot = this.#slots[i]
      if (!slot) {
        if (empty < 0) empty = i
      } else if (slot.pending.size === 0) {
        return slot
      } else if (!best || slot.pending.size < best.pending.size) {
        best = slot
      }
    }
    if (empty >= 0) return (this.#slots[empty] = this.#start(empty))
    return best!
  }

  #start(index: number): Slot {
    const worker = new Worker(this.script)
    const slot: Slot = { worker, pending: new Map() }
    worker.unref()
    worker.on('message', (reply: TaskReply) => {
      const pending = slot.pending.get(reply.id)
      if (!pending) return
      slot.pending.delete(reply.id)
      if (slot.pending.size === 0) worker.unref()
      if (reply.ok) pending.resolve(reply.value)
      else pending.reject(deserializeError(reply.error))
    })
    const retire = (error: Error) => {
      if (this.#slots[index] === slot) this.#slots[index] = undefined
      this.#fail(slot, error)
    }
    worker.on('error', (error) => retire(error))
    worker.on('exit', (code) => retire(new Error(`a worker thread stopped (exit code ${code})`)))
    return slot
  }

  #fail(slot: Slot, error: Error): void {
    for (const pending of slot.pending.values()) pending.reject(error)
    slot.pending.clear()
  }
}
