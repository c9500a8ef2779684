// How the loaded rows of the takes list follow pages and live changes. The rows are always the
// first ones of the filtered, newest-first list; pure, so the rules are tested without a browser.
import {
  matchesFilter,
  newestFirst,
  type TakeFilter,
  type TakeSummary,
} from '../../../../shared/takes'

/** The rows after a page: a first page replaces them, a next one adds what is not there yet. */
export function withPage(
  rows: readonly TakeSummary[],
  page: readonly TakeSummary[],
  first: boolean,
): TakeSummary[] {
  if (first) return [...page]
  // A live change may have put a row in already: each id once.
  const known = new Set(rows.map((row) => row.id))
  return [...rows, ...page.filter((take) => !known.has(take.id))]
}

export interface RowsAfterChange {
  rows: TakeSummary[]
  /** How the number of matching takes moved (when known here). */
  totalDelta: number
  /** The change is beyond the loaded rows: only the store knows how the counts moved. */
  recount: boolean
  /** A take asked for just now (newer than every row, not started). */
  isNew: boolean
}

/**
 * Applies one take's change to the loaded rows. `complete`: every matching take is loaded (no
 * next page), so a take sorting after the last row still belongs among them.
 */
export function withChange(
  rows: readonly TakeSummary[],
  take: TakeSummary,
  filter: TakeFilter,
  starred: ReadonlySet<string>,
  complete: boolean,
  active: boolean,
): RowsAfterChange {
  const index = rows.findIndex((row) => row.id === take.id)
  const matches = matchesFilter(take, filter, starred)
  const first = rows[0]
  const last = rows.at(-1)
  const isNew =
    index < 0 &&
    active &&
    take.startedAt === null &&
    (first === undefined || take.createdAt >= first.createdAt)
  const inLoaded = complete || (last !== undefined && newestFirst(take, last) < 0)
  if (index >= 0) {
    return matches
      ? { rows: rows.with(index, take), totalDelta: 0, recount: false, isNew }
      : { rows: rows.toSpliced(index, 1), totalDelta: -1, recount: false, isNew }
  }
  if (!inLoaded) return { rows: [...rows], totalDelta: 0, recount: true, isNew }
  if (!matches) return { rows: [...rows], totalDelta: 0, recount: false, isNew }
  // Not among the loaded rows but belongs among them: new, or new to this filter.
  const at = rows.findIndex((row) => newestFirst(take, row) < 0)
  return {
    rows: rows.toSpliced(at === -1 ? rows.length : at, 0, take),
    totalDelta: 1,
    recount: false,
    isNew,
  }
}
