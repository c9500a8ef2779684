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
  /** Ends the worker once it has been idle for the pool's idle time. */
  idle?: NodeJS.Timeout
}

/**
 * How long a worker waits for its next task before it ends. A worker's memory (its heap, the
 * WebAssembly memories of the decoders it ran, which never shrink) goes back to the system only
 * when it ends; starting one again costs tens of milliseconds.
 */
export const WORKER_IDLE_MS = 5000

/**
 * A worker's young generation, in MB. Its tasks are typed-array work in WebAssembly and loops; a
 * young generation of V8's default size filled with their small objects and garbage to ~10 MB
 * more per worker, for no gain in speed (decoding an hour of MP3 in segments: 57 MB → 47 MB).
 */
const WORKER_YOUNG_GENERATION_MB = 1

/**
 * A fixed pool of worker threads running `script` (the core's is worker-main.ts, which answers
 * with serveTasks). Workers start on
 * first use, end after `idleMs` without a task (their memory goes back to the system) and are
 * unref'd, so an idle pool never keeps the process alive. A task goes to the worker with the
 * fewest tasks in flight; a worker that dies fails its tasks and is replaced.
 */
export class WorkerPool<T extends TaskTable<T>> implements TaskRunner<T> {
  readonly parallelism: number
  readonly #slots: (Slot | undefined)[]
  #nextId = 1
  #closed = false

  constructor(
    readonly script: string,
    size = Math.max(1, Math.min(4, availableParallelism())),
    private readonly idleMs = WORKER_IDLE_MS,
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
      clearTimeout(slot.idle)
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
    for (const slot of slots) clearTimeout(slot.idle)
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
    const worker = new Worker(this.script, {
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    })
    const slot: Slot = { worker, pending: new Map() }
    worker.unref()
    worker.on('message', (reply: TaskReply) => {
      const pending = slot.pending.get(reply.id)
      if (!pending) return
      slot.pending.delete(reply.id)
      if (slot.pending.size === 0) {
        worker.unref()
        slot.idle = setTimeout(() => this.#end(index, slot), this.idleMs).unref()
      }
      if (reply.ok) pending.resolve(reply.value)
      else pending.reject(deserializeError(reply.error))
    })
    const retire = (error: Error) => {
      clearTimeout(slot.idle)
      if (this.#slots[index] === slot) this.#slots[index] = undefined
      this.#fail(slot, error)
    }
    worker.on('error', (error) => retire(error))
    worker.on('exit', (code) => retire(new Error(`a worker thread stopped (exit code ${code})`)))
    return slot
  }

  /** Ends an idle worker: the next task starts a new one. */
  #end(index: number, slot: Slot): void {
    if (this.#slots[index] !== slot || slot.pending.size > 0) return
    this.#slots[index] = undefined
    void slot.worker.terminate()
  }

  #fail(slot: Slot, error: Error): void {
    for (const pending of slot.pending.values()) pending.reject(error)
    slot.pending.clear()
  }
}
