import { describe, expect, it } from 'vitest'
import {
  layoutRows,
  rowAt,
  scrollToShow,
  visibleRows,
} from '../../../src/renderer/src/lib/virtual/row-window'

describe('the rows a long list draws', () => {
  // Rows 0..9999: row 3 measured at 200 px, the others estimated at 100, 10 px apart.
  const layout = layoutRows(10_000, (i) => (i === 3 ? 200 : undefined), 100, 10)

  it('places rows by measured or estimated height, gaps between them only', () => {
    expect(layout.tops[0]).toBe(0)
    expect(layout.tops[3]).toBe(330)
    expect(layout.tops[4]).toBe(540)
    expect(layout.tops[10_000]).toBe(10_000 * 110 - 10 + 100)
  })

  it('finds the row under a point, and past the end the count', () => {
    expect(rowAt(layout, 0)).toBe(0)
    expect(rowAt(layout, 109)).toBe(0)
    expect(rowAt(layout, 110)).toBe(1)
    expect(rowAt(layout, 539)).toBe(3)
    expect(rowAt(layout, 1e9)).toBe(10_000)
  })

  it('draws the rows in view and a margin, a few dozen of ten thousand', () => {
    // Rows 0..6 reach into the first 800 px.
    expect(visibleRows(layout, 0, 800, 4)).toEqual({ start: 0, end: 11 })
    const end = layout.tops[10_000]!
    expect(visibleRows(layout, end - 800, end, 4)).toEqual({ start: 9988, end: 10_000 })
    // A list below the view still draws its first rows; an empty list none.
    expect(visibleRows(layout, -2000, -1000, 4)).toEqual({ start: 0, end: 4 })
    expect(
      visibleRows(
        layoutRows(0, () => undefined, 100, 10),
        0,
        800,
        4,
      ),
    ).toEqual({
      start: 0,
      end: 0,
    })
  })

  it('scrolls the least that shows a row whole', () => {
    // List starts 500 px into the scroller; the view is 400 px high.
    // Row 0 spans 500..610: its bottom comes up to the view's bottom.
    expect(scrollToShow(layout, 0, 500, 0, 400)).toBe(210)
    expect(scrollToShow(layout, 0, 500, 300, 400)).toBe(300)
    expect(scrollToShow(layout, 0, 500, 2000, 400)).toBe(500)
    expect(scrollToShow(layout, 20, 500, 0, 400)).toBe(500 + layout.tops[21]! - 400)
  })
})
