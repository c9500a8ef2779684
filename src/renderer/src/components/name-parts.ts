// How a long name is cut where it is shown narrow: the end that tells names apart ("(copy)",
// "(continuation)", "2") stays, the middle gives way.

export interface NameParts {
  /** Shown first, cut with an ellipsis when it does not fit. */
  head: string
  /** Always shown whole, after the head. */
  tail: string
}

/** At most this many characters are kept whole at the end. */
const TAIL_MAX = 14

/**
 * Splits a name into a head that may be cut and a tail kept whole: a trailing "(…)" part when
 * there is one (up to 14 characters), else the last word when it is short (a number, "B"),
 * else nothing.
 */
export function nameParts(name: string): NameParts {
  const paren = /\s*\([^()]*\)$/.exec(name)
  if (paren && paren.index > 0 && paren[0].trim().length <= TAIL_MAX) {
    return { head: name.slice(0, paren.index), tail: paren[0] }
  }
  const word = /\s+\S{1,4}$/.exec(name)
  if (word && word.index > 0) return { head: name.slice(0, word.index), tail: word[0] }
  return { head: name, tail: '' }
}
