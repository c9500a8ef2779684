import { describe, expect, it } from 'vitest'
import { chainLabel } from '../../../src/renderer/src/lib/state/take-words'
import {
  matchesFilter,
  newestFirst,
  type TakeSummary,
  type TakeView,
} from '../../../src/shared/takes'

function take(id: string, createdAt: number, status: TakeSummary['status'], prompt: string) {
  return { id, createdAt, status, prompt }
}

const takes = [
  take('b', 10, 'succeeded', 'pads'),
  take('a', 10, 'failed', 'pads'),
  take('c', 20, 'canceled', 'drums'),
  take('d', 5, 'running', 'drums'),
]

describe('takes list rules', () => {
  it('orders newest first, takes of one request by id: the same in any arrival order', () => {
    const orders = [takes, [...takes].reverse(), [takes[2]!, takes[0]!, takes[3]!, takes[1]!]]
    for (const order of orders) {
      expect([...order].sort(newestFirst).map((t) => t.id)).toEqual(['c', 'b', 'a', 'd'])
    }
  })

  it('matches ready, failed (or canceled), starred and prompt, as the store filters', () => {
    const starred = new Set(['a', 'd'])
    const ids = (view: TakeView, prompt: string | null = null) =>
      takes.filter((t) => matchesFilter(t, { view, prompt }, starred)).map((t) => t.id)
    expect(ids('all')).toEqual(['b', 'a', 'c', 'd'])
    expect(ids('ready')).toEqual(['b'])
    expect(ids('failed')).toEqual(['a', 'c'])
    expect(ids('starred')).toEqual(['a', 'd'])
    expect(ids('all', 'drums')).toEqual(['c', 'd'])
    expect(ids('failed', 'pads')).toEqual(['a'])
  })

  it('names a take’s place in a chain', () => {
    expect(chainLabel(null)).toBeNull()
    expect(chainLabel({ segment: 1, of: 1 })).toBe('continuation')
    expect(chainLabel({ segment: 2, of: 3 })).toBe('segment 2 of 3')
  })
})
