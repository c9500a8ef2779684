// Messages between the local engine's child process and the main process (Node IPC with the
// "advanced" serialization, which carries typed arrays).
import type { GenerateRequest } from './engine'

/** One take, sent to the engine; the next one waits for its answer. */
export interface EngineJob {
  type: 'run'
  modelDir: string
  quantized: boolean
  request: GenerateRequest
  /** ONNX Runtime's threads per operator, when not its default (used when the model loads). */
  intraOpThreads?: number
}

/**
 * Main to engine: a take; cancel the running take (read between decoder steps); or "release the
 * model and exit" after an idle time.
 */
export type EngineCommand = EngineJob | { type: 'cancel' } | { type: 'exit' }

export type EngineMessage =
  /** `cpuSeconds`: the engine process's CPU time so far (its threads included). */
  | { type: 'progress'; done: number; total: number; cpuSeconds: number }
  | {
      type: 'done'
      samples: Float32Array
      sampleRate: number
      rssBytes: number
      cpuSeconds: number
      /** Whether the model was already loaded by an earlier take. */
      warm: boolean
    }
  | { type: 'error'; code: 'canceled' | 'model_file' | 'failed'; message: string; file?: string }
