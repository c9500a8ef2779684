// Messages between the local engine's worker thread and the main process.
import type { GenerateRequest } from './engine'

export interface EngineJob {
  modelDir: string
  quantized: boolean
  request: GenerateRequest
  /** Int32 flag, set to 1 to cancel: read between decoder steps without waiting on the event loop. */
  cancel: SharedArrayBuffer
  intraOpThreads?: number
}

export type EngineMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; samples: Float32Array; sampleRate: number; rssBytes: number }
  | { type: 'error'; code: 'canceled' | 'model_file' | 'failed'; message: string; file?: string }
