import { isMethodName, methods, type Handlers } from '../../shared/api'
import { fail, ok, type Result } from '../../shared/result'
import { AppError } from './app-error'
import { cut, describeIssue } from './contract-issue'
import type { Log } from './log'

/** The longest error message (and field) an answer carries. */
export const MAX_ERROR_MESSAGE = 500

export type Dispatch = (method: unknown, input: unknown) => Promise<Result<unknown>>

/** SQLite's and the file system's words for a full disk (or a used-up quota). */
const DISK_FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT'])

/** The answer matters more than its log line: a log that fails must not turn into a crash. */
function logSafely(log: Log, message: string, fields: Record<string, string>): void {
  try {
    log.error(message, fields)
  } catch {
    // Nothing more to do: the caller still gets its answer.
  }
}

/** No method takes more; the check spares validating (and reporting) a million unknown keys. */
const MAX_FIELDS = 64

function fieldCountOver(input: unknown, max: number): boolean {
  if (typeof input !== 'object' || input === null) return false
  let count = 0
  for (const key in input) if (Object.hasOwn(input, key) && ++count > max) return true
  return false
}

/** Every error leaves with a message and field of bounded size (the input may be huge). */
function bounded<T>(result: Result<T>): Result<T> {
  if (result.ok) return result
  const { code, message, field } = result.error
  return fail(
    code,
    cut(message, MAX_ERROR_MESSAGE),
    field === undefined ? undefined : cut(field, MAX_ERROR_MESSAGE),
  )
}

/** Validates input against the contract, runs the handler, and turns every outcome into a Result. */
export function createDispatch(handlers: Handlers, log: Log): Dispatch {
  return async (method, input) => bounded(await run(handlers, log, method, input))
}

async function run(
  handlers: Handlers,
  log: Log,
  method: unknown,
  input: unknown,
): Promise<Result<unknown>> {
  if (!isMethodName(method)) {
    return fail('unknown_method', `unknown method ${String(method).slice(0, 80)}`)
  }
  if (fieldCountOver(input, MAX_FIELDS)) {
    return fail('invalid_input', `${method}: too many fields (at most ${MAX_FIELDS})`)
  }
  const parsed = methods[method].input.safeParse(input ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const { field, message } = issue ? describeIssue(issue) : { message: 'invalid input' }
    return fail('invalid_input', `${method}: ${message}`, field)
  }
  try {
    const handler = handlers[method] as (input: unknown) => unknown
    return ok(await handler(parsed.data))
  } catch (error) {
    if (error instanceof AppError) return fail(error.code, error.message, error.field)
    const code = (error as { code?: unknown } | null)?.code
    logSafely(log, `${method} failed`, { error: String(error), code: String(code) })
    if (typeof code === 'string' && DISK_FULL_CODES.has(code)) {
      return fail(
        'disk_full',
        `The disk holding MusicSketch's data is full: ${method} changed nothing. Free some space and try again; your projects can still be opened and played.`,
      )
    }
    return fail(
      'internal',
      `${method} failed: ${error instanceof Error ? error.message : 'unknown error'}`,
    )
  }
}
