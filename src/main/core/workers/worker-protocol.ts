import type { SerializedError } from './worker-errors'

/** Messages between the pool and a worker thread. */
export interface TaskRequest {
  id: number
  kind: string
  input: unknown
}

export type TaskReply =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SerializedError }
