import { AppError } from '../app-error'
import { AudioError, type AudioErrorCode } from '../audio/audio-error'
import type { ErrorCode } from '../../../shared/result'

/** An error as it crosses a thread: enough to rebuild the error classes callers test for. */
export interface SerializedError {
  name: string
  message: string
  code?: string
  field?: string
  stack?: string
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof AppError) {
    return { name: error.name, message: error.message, code: error.code, field: error.field }
  }
  if (error instanceof AudioError)
    return { name: error.name, message: error.message, code: error.code }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code
    return { name: error.name, message: error.message, code, stack: error.stack }
  }
  return { name: 'Error', message: String(error) }
}

export function deserializeError(error: SerializedError): Error {
  switch (error.name) {
    case 'AppError':
      return new AppError(error.code as ErrorCode, error.message, error.field)
    case 'AudioError':
      return new AudioError(error.code as AudioErrorCode, error.message)
    default: {
      const rebuilt = new Error(error.message) as NodeJS.ErrnoException
      rebuilt.name = error.name
      if (error.code !== undefined) rebuilt.code = error.code
      if (error.stack !== undefined) rebuilt.stack = error.stack
      return rebuilt
    }
  }
}
