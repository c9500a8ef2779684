import { describe, expect, it } from 'vitest'
import type { Generation } from '../../../src/shared/domain'
import {
  distinctPrompts,
  filterTakes,
  newestFirst,
} from '../../../src/renderer/src/lib/state/take-filter'

function take(id: string, createdAt: number, status: Generation['status'], prompt: string) {
  return { id, createdAt, status, params: { prompt } } as unknown as Generation
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

  it('filters by ready, failed (or canceled), starred and prompt', () => {
    const starred = new Set(['a', 'd'])
    const ids = (view: 'all' | 'ready' | 'failed' | 'starred', prompt: string | null = null) =>
      filterTakes(takes, { view, prompt }, starred).map((t) => t.id)
    expect(ids('all')).toEqual(['b', 'a', 'c', 'd'])
    expect(ids('ready')).toEqual(['b'])
    expect(ids('failed')).toEqual(['a', 'c'])
    expect(ids('starred')).toEqual(['a', 'd'])
    expect(ids('all', 'drums')).toEqual(['c', 'd'])
    expect(ids('failed', 'pads')).toEqual(['a'])
    expect(distinctPrompts(takes)).toEqual(['drums', 'pads'])
  })
})
