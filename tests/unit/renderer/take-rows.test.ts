import { describe, expect, it } from 'vitest'
import { withChange, withPage } from '../../../src/renderer/src/lib/state/take-rows'
import type { TakeFilter, TakeSummary } from '../../../src/shared/takes'

function take(id: string, createdAt: number, patch: Partial<TakeSummary> = {}): TakeSummary {
  return {
    id,
    createdAt,
    status: 'succeeded',
    prompt: 'pads',
    startedAt: createdAt,
    ...patch,
  } as TakeSummary
}

const all: TakeFilter = { view: 'all', prompt: null }
const ready: TakeFilter = { view: 'ready', prompt: null }
const none = new Set<string>()
const ids = (rows: readonly TakeSummary[]) => rows.map((row) => row.id)

// Loaded: the first three of a longer list (another page follows).
const rows = [take('e', 50), take('d', 40), take('c', 30)]

describe('the loaded takes follow pages and live changes', () => {
  it('adds a next page without the rows a live change already put in', () => {
    const more = withPage(rows, [take('c', 30), take('b', 20)], false)
    expect(ids(more)).toEqual(['e', 'd', 'c', 'b'])
    expect(ids(withPage(rows, [take('x', 90)], true))).toEqual(['x'])
  })

  it('puts a new take first and counts it; it is new', () => {
    const queued = take('f', 60, { status: 'queued', startedAt: null })
    const change = withChange(rows, queued, all, none, false, true)
    expect(ids(change.rows)).toEqual(['f', 'e', 'd', 'c'])
    expect(change).toMatchObject({ totalDelta: 1, recount: false, isNew: true })
  })

  it('replaces a changed row in place, drops one that leaves the filter', () => {
    const changed = withChange(rows, take('d', 40, { progress: 1 }), all, none, false, false)
    expect(changed.rows[1]!.progress).toBe(1)
    expect(changed.totalDelta).toBe(0)
    const failed = withChange(rows, take('d', 40, { status: 'failed' }), ready, none, false, false)
    expect(ids(failed.rows)).toEqual(['e', 'c'])
    expect(failed.totalDelta).toBe(-1)
  })

  it('places a take that joins the filter among the loaded rows in order', () => {
    const joined = withChange(rows, take('x', 45), ready, none, false, false)
    expect(ids(joined.rows)).toEqual(['e', 'x', 'd', 'c'])
    expect(joined).toMatchObject({ totalDelta: 1, isNew: false })
  })

  it('leaves a change beyond the loaded rows to a recount, unless every row is loaded', () => {
    const beyond = withChange(rows, take('a', 10), ready, none, false, false)
    expect(ids(beyond.rows)).toEqual(['e', 'd', 'c'])
    expect(beyond).toMatchObject({ totalDelta: 0, recount: true })
    const complete = withChange(rows, take('a', 10), ready, none, true, false)
    expect(ids(complete.rows)).toEqual(['e', 'd', 'c', 'a'])
    expect(complete).toMatchObject({ totalDelta: 1, recount: false })
  })

  it('drops an unstarred take from the starred view', () => {
    const starred = new Set(['e', 'c'])
    const shown = [take('e', 50), take('c', 30)]
    starred.delete('c')
    const change = withChange(
      shown,
      take('c', 30),
      { view: 'starred', prompt: null },
      starred,
      true,
      false,
    )
    expect(ids(change.rows)).toEqual(['e'])
    expect(change.totalDelta).toBe(-1)
  })
})
