// Main-process side of the local engine: one worker thread, one take at a time (the model takes
// most of the machine), progress relayed, cancel between decoder steps. The worker keeps the
// model loaded from one take to the next, so a queue of takes loads it once; after `idleMs`
// without a take it is told to exit, which returns the model's memory to the system.
import { Worker } from 'node:worker_threads'
import type { GenerateRequest } from './engine'
import type { EngineCommand, EngineJob, EngineMessage, EngineWorkerData } from './engine-protocol'

export interface EngineRun {
  request: GenerateRequest
  modelDir: string
  quantized: boolean
  onProgress: (done: number, total: number) => void
}

export interface EngineOutput {
  samples: Float32Array
  sampleRate: number
  /** Resident set size of the process as the take ended, with the model still loaded. */
  rssBytes: number
  /** The model was already loaded by an earlier take (no loading time in this one). */
  warm: boolean
}

export class EngineFailure extends Error {
  constructor(
    readonly code: 'canceled' | 'model_file' | 'failed',
    message: string,
    readonly file?: string,
  ) {
    super(message)
    this.name = 'EngineFailure'
  }
}

export interface EngineHostOptions {
  intraOpThreads?: number
  /** How long the model stays loaded after a take, waiting for the next one. */
  idleMs?: number
}

/** Long enough for the queue to start the next take of a batch, short enough not to sit on GBs. */
export const ENGINE_IDLE_MS = 15_000

interface Running {
  worker: Worker
  job: EngineRun
  resolve: (out: EngineOutput) => void
  reject: (error: EngineFailure) => void
}

export class LocalEngineHost {
  #tail: Promise<unknown> = Promise.resolve()
  #worker: Worker | null = null
  #running: Running | null = null
  #idle: NodeJS.Timeout | null = null
  readonly #idleMs: number

  constructor(
    /** The built engine-worker.ts; null in a build without it. */
    private readonly script: string | null,
    private readonly options: EngineHostOptions = {},
  ) {
    this.#idleMs = options.idleMs ?? ENGINE_IDLE_MS
  }

  /** Runs after every take started before it; `signal` cancels it, queued or running. */
  run(job: EngineRun, signal: AbortSignal): Promise<EngineOutput> {
    const next = this.#tail.then(
      () => this.#runNow(job, signal),
      () => this.#runNow(job, signal),
    )
    this.#tail = next.catch(() => undefined)
    return next
  }

  /** Releases the model now (the app is closing); a later take starts a new worker. */
  async close(): Promise<void> {
    this.#clearIdle()
    const worker = this.#worker
    this.#worker = null
    await worker?.terminate()
  }

  #runNow(job: EngineRun, signal: AbortSignal): Promise<EngineOutput> {
    if (signal.aborted) return Promise.reject(new EngineFailure('canceled', 'canceled'))
    if (this.script === null) {
      return Promise.reject(
        new EngineFailure('failed', 'this build of the app has no local engine'),
      )
    }
    this.#clearIdle()
    const worker = this.#workerFor(this.script)
    worker.ref()
    const cancel = new SharedArrayBuffer(4)
    const command: EngineJob = {
      type: 'run',
      modelDir: job.modelDir,
      quantized: job.quantized,
      request: job.request,
      cancel,
    }
    const flag = new Int32Array(cancel)
    const onAbort = (): void => void Atomics.store(flag, 0, 1)
    signal.addEventListener('abort', onAbort, { once: true })
    return new Promise<EngineOutput>((resolve, reject) => {
      const settle = (): void => {
        signal.removeEventListener('abort', onAbort)
        this.#running = null
        this.#startIdle()
      }
      this.#running = {
        worker,
        job,
        resolve: (out) => (settle(), resolve(out)),
        reject: (error) => (settle(), reject(error)),
      }
      worker.postMessage(command satisfies EngineCommand)
    })
  }

  #workerFor(script: string): Worker {
    if (this.#worker) return this.#worker
    const data: EngineWorkerData = this.options.intraOpThreads
      ? { intraOpThreads: this.options.intraOpThreads }
      : {}
    const worker = new Worker(script, { workerData: data })
    // Only the take this worker runs hears from it: a worker told to exit may still be ending
    // while the next take starts on a new one.
    const mine = (): Running | null => (this.#running?.worker === worker ? this.#running : null)
    worker.on('message', (message: EngineMessage) => {
      const running = mine()
      if (!running) return
      if (message.type === 'progress') running.job.onProgress(message.done, message.total)
      else if (message.type === 'done') {
        running.resolve({
          samples: message.samples,
          sampleRate: message.sampleRate,
          rssBytes: message.rssBytes,
          warm: message.warm,
        })
      } else running.reject(new EngineFailure(message.code, message.message, message.file))
    })
    worker.on('error', (error) => mine()?.reject(new EngineFailure('failed', error.message)))
    worker.on('exit', (code) => {
      if (this.#worker === worker) this.#worker = null
      mine()?.reject(new EngineFailure('failed', `the local engine stopped (exit code ${code})`))
    })
    this.#worker = worker
    return worker
  }

  #startIdle(): void {
    const worker = this.#worker
    if (!worker) return
    // An idle worker does not keep the app's process alive, nor does its timer.
    worker.unref()
    this.#idle = setTimeout(() => {
      this.#idle = null
      if (this.#worker === worker && !this.#running) {
        this.#worker = null
        worker.postMessage({ type: 'exit' } satisfies EngineCommand)
      }
    }, this.#idleMs)
    this.#idle.unref()
  }

  #clearIdle(): void {
    if (this.#idle) clearTimeout(this.#idle)
    this.#idle = null
  }
}
