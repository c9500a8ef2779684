import type { z } from 'zod'
import { isMethodName, methods, type Handlers } from '../../shared/api'
import { fail, ok, type Result } from '../../shared/result'
import { AppError } from './app-error'
import type { Log } from './log'

export type Dispatch = (method: unknown, input: unknown) => Promise<Result<unknown>>

function describeIssue(issue: z.core.$ZodIssue): { field?: string; message: string } {
  const field = issue.path.map(String).join('.')
  if (issue.code === 'unrecognized_keys') {
    return { field: issue.keys.join(', '), message: `unknown field ${issue.keys.join(', ')}` }
  }
  return field === '' ? { message: issue.message } : { field, message: `${field} ${issue.message}` }
}

/** Validates input against the contract, runs the handler, and turns every outcome into a Result. */
export function createDispatch(handlers: Handlers, log: Log): Dispatch {
  return async (method, input) => {
    if (!isMethodName(method)) {
      return fail('unknown_method', `unknown method ${String(method).slice(0, 80)}`)
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
      log.error(`${method} failed`, { error: String(error) })
      return fail(
        'internal',
        `${method} failed: ${error instanceof Error ? error.message : 'unknown error'}`,
      )
    }
  }
}
