// Main-process side of the local engine: one worker thread per take, one take at a time (the
// model takes most of the machine), progress relayed, cancel between decoder steps.
import { Worker } from 'node:worker_threads'
import type { GenerateRequest } from './engine'
import type { EngineJob, EngineMessage } from './engine-protocol'

export interface EngineRun {
  request: GenerateRequest
  modelDir: string
  quantized: boolean
  onProgress: (done: number, total: number) => void
}

export interface EngineOutput {
  samples: Float32Array
  sampleRate: number
  /** Resident set size of the process as the take ended, before the worker exited. */
  rssBytes: number
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

export class LocalEngineHost {
  #tail: Promise<unknown> = Promise.resolve()

  constructor(
    /** The built engine-worker.ts; null in a build without it. */
    private readonly script: string | null,
    private readonly intraOpThreads?: number,
  ) {}

  /** Runs after every take started before it; `signal` cancels it, queued or running. */
  run(job: EngineRun, signal: AbortSignal): Promise<EngineOutput> {
    const next = this.#tail.then(
      () => this.#runNow(job, signal),
      () => this.#runNow(job, signal),
    )
    this.#tail = next.catch(() => undefined)
    return next
  }

  #runNow(job: EngineRun, signal: AbortSignal): Promise<EngineOutput> {
    if (signal.aborted) return Promise.reject(new EngineFailure('canceled', 'canceled'))
    if (this.script === null) {
      return Promise.reject(
        new EngineFailure('failed', 'this build of the app has no local engine'),
      )
    }
    const cancel = new SharedArrayBuffer(4)
    const data: EngineJob = {
      modelDir: job.modelDir,
      quantized: job.quantized,
      request: job.request,
      cancel,
      ...(this.intraOpThreads ? { intraOpThreads: this.intraOpThreads } : {}),
    }
    const worker = new Worker(this.script, { workerData: data })
    const flag = new Int32Array(cancel)
    const onAbort = (): void => void Atomics.store(flag, 0, 1)
    signal.addEventListener('abort', onAbort, { once: true })
    return new Promise<EngineOutput>((resolve, reject) => {
      let settled = false
      const finish = (fn: () => void): void => {
        if (settled) return
        settled = true
        signal.removeEventListener('abort', onAbort)
        fn()
      }
      worker.on('message', (message: EngineMessage) => {
        if (message.type === 'progress') job.onProgress(message.done, message.total)
        else if (message.type === 'done') {
          finish(() =>
            resolve({
              samples: message.samples,
              sampleRate: message.sampleRate,
              rssBytes: message.rssBytes,
            }),
          )
        } else finish(() => reject(new EngineFailure(message.code, message.message, message.file)))
      })
      worker.on('error', (error) =>
        finish(() => reject(new EngineFailure('failed', error.message))),
      )
      worker.on('exit', (code) =>
        finish(() =>
          reject(new EngineFailure('failed', `the local engine stopped (exit code ${code})`)),
        ),
      )
    })
  }
}
