// Which lanes are on screen: the timeline builds only those (plus a few around them), so a
// project with a hundred tracks costs a frame what the visible handful cost.

export interface LaneRange {
  /** First lane built (index). */
  first: number
  /** One past the last lane built. */
  last: number
}

/**
 * The lanes that cross the visible band [scrollTop, scrollTop + viewHeight) of a list of `count`
 * lanes `laneHeight` tall, widened by `overscan` lanes on each side so that a scroll never shows
 * a lane before it is built. Before the list's height is known (0), `fallback` lanes are built.
 */
export function visibleLanes(
  scrollTop: number,
  viewHeight: number,
  laneHeight: number,
  count: number,
  overscan = 2,
  fallback = 12,
): LaneRange {
  if (count <= 0 || !(laneHeight > 0)) return { first: 0, last: 0 }
  if (!(viewHeight > 0)) return { first: 0, last: Math.min(count, fallback) }
  const top = Math.max(0, scrollTop)
  const first = Math.min(count - 1, Math.floor(top / laneHeight))
  const last = Math.ceil((top + viewHeight) / laneHeight)
  return {
    first: Math.max(0, first - overscan),
    last: Math.min(count, Math.max(first + 1, last) + overscan),
  }
}
