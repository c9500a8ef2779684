// How a contract input's zod problem is told to the caller: one wording for the dispatcher and
// for the undo history's patches (and for the tests' fake of the contract, which follows them).
import type { z } from 'zod'

/** Text cut to `max` characters, marked where it was cut. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

/** A few of the keys, each short, and how many more: an answer never grows with the input. */
function keyList(keys: readonly string[]): string {
  const shown = keys.slice(0, 5).map((key) => cut(key, 40))
  const more = keys.length - shown.length
  return more > 0 ? `${shown.join(', ')} and ${more.toLocaleString('en')} more` : shown.join(', ')
}

/** A refused input's first problem: the field as the contract names it, then what is wrong. */
export function describeIssue(issue: z.core.$ZodIssue): { field?: string; message: string } {
  const field = cut(issue.path.map(String).join('.'), 200)
  if (issue.code === 'unrecognized_keys') {
    const keys = keyList(issue.keys)
    const noun = issue.keys.length === 1 ? 'field' : 'fields'
    return { field: keys, message: `unknown ${noun} ${keys}` }
  }
  return field === '' ? { message: issue.message } : { field, message: `${field} ${issue.message}` }
}
