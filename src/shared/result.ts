// Answers of the contract: errors are values with a code, never thrown across the boundary.

export const ERROR_CODES = [
  'invalid_input',
  'not_found',
  'conflict',
  'keychain_unavailable',
  'unknown_method',
  'disconnected',
  /** The caller stopped the work (e.g. an export); nothing of it was kept. */
  'canceled',
  /** The disk holding the data is full: nothing was changed; reads still work. */
  'disk_full',
  'internal',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export interface ApiError {
  code: ErrorCode
  message: string
  field?: string
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError }

export function ok<T>(value: T): Result<T> {
  return { ok: true, value }
}

export function fail(code: ErrorCode, message: string, field?: string): Result<never> {
  return { ok: false, error: field === undefined ? { code, message } : { code, message, field } }
}
