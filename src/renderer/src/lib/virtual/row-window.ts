// Which rows of a long list to draw: rows have measured heights (an estimate until measured), the
// list keeps its full height, and only the rows inside the visible stretch (plus a margin) exist.
// Pure, so the arithmetic is tested without a browser.

export interface RowLayout {
  /** tops[i]: where row i starts; tops[count]: the list's full height (no gap after the last). */
  tops: Float64Array
  count: number
}

/**
 * Row tops for `count` rows: `heightOf(i)` is a row's measured height or undefined (then the
 * estimate), `gap` the space between rows.
 */
export function layoutRows(
  count: number,
  heightOf: (index: number) => number | undefined,
  estimate: number,
  gap: number,
): RowLayout {
  const tops = new Float64Array(count + 1)
  let at = 0
  for (let i = 0; i < count; i++) {
    tops[i] = at
    at += (heightOf(i) ?? estimate) + (i < count - 1 ? gap : 0)
  }
  tops[count] = at
  return { tops, count }
}

/** The first row whose bottom is below `y` (count when y is past the end). */
export function rowAt(layout: RowLayout, y: number): number {
  let low = 0
  let high = layout.count
  while (low < high) {
    const middle = (low + high) >>> 1
    if (layout.tops[middle + 1]! > y) high = middle
    else low = middle + 1
  }
  return low
}

/** Rows [start, end) to draw for the stretch [top, bottom) of the list, `overscan` rows either side. */
export function visibleRows(
  layout: RowLayout,
  top: number,
  bottom: number,
  overscan: number,
): { start: number; end: number } {
  if (layout.count === 0 || bottom <= 0 || top >= layout.tops[layout.count]!) {
    // Nothing of the list is on screen: still draw its first rows, so focus and search find some.
    return { start: 0, end: Math.min(layout.count, overscan) }
  }
  const first = rowAt(layout, Math.max(0, top))
  const last = rowAt(layout, Math.max(0, bottom - 1))
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(layout.count, last + 1 + overscan),
  }
}

/**
 * How far to scroll so that row `index` is fully in view ('nearest': the least move), given the
 * list's top inside the scroller's content and the scroller's visible stretch.
 */
export function scrollToShow(
  layout: RowLayout,
  index: number,
  listTop: number,
  scrollTop: number,
  viewHeight: number,
): number {
  const top = listTop + layout.tops[index]!
  const bottom = top + (layout.tops[index + 1]! - layout.tops[index]!)
  if (top < scrollTop) return top
  if (bottom > scrollTop + viewHeight) return Math.min(top, bottom - viewHeight)
  return scrollTop
}

/** What a virtual list offers the component around it. */
export interface RowsControl {
  /** Scrolls the list's top into view when it is scrolled past. */
  showTop(): void
  /** Brings a row into view (only when it is above the view, with `onlyIfAbove`). */
  reveal(index: number, options?: { onlyIfAbove?: boolean }): Promise<void>
}
