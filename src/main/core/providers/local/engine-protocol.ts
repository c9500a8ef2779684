// Messages between the local engine's worker thread and the main process.
import type { GenerateRequest } from './engine'

/** What the worker is started with. */
export interface EngineWorkerData {
  intraOpThreads?: number
}

/** One take, sent to the worker; the next one waits for its answer. */
export interface EngineJob {
  type: 'run'
  modelDir: string
  quantized: boolean
  request: GenerateRequest
  /** Int32 flag, set to 1 to cancel: read between decoder steps without waiting on the event loop. */
  cancel: SharedArrayBuffer
}

/** Main to worker: a take, or "release the model and exit" after an idle time. */
export type EngineCommand = EngineJob | { type: 'exit' }

export type EngineMessage =
  | { type: 'progress'; done: number; total: number }
  | {
      type: 'done'
      samples: Float32Array
      sampleRate: number
      rssBytes: number
      /** Whether the model was already loaded by an earlier take. */
      warm: boolean
    }
  | { type: 'error'; code: 'canceled' | 'model_file' | 'failed'; message: string; file?: string }
