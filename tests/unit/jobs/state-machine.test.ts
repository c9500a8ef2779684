import { describe, expect, it } from 'vitest'
import { GENERATION_STATUSES, type GenerationStatus } from '../../../src/shared/domain'
import {
  canTransition,
  isInFlight,
  isRetryable,
  isRunnable,
  isTerminal,
} from '../../../src/main/core/jobs/state-machine'

const ALL = GENERATION_STATUSES

function allowedFrom(from: GenerationStatus): GenerationStatus[] {
  return ALL.filter((to) => canTransition(from, to))
}

describe('the take state machine', () => {
  it('follows the happy path queued → submitting → running → downloading → succeeded', () => {
    const path: GenerationStatus[] = ['queued', 'submitting', 'running', 'downloading', 'succeeded']
    for (let i = 0; i + 1 < path.length; i++)
      expect(canTransition(path[i]!, path[i + 1]!)).toBe(true)
  })

  it('never leaves succeeded; failed and canceled only go back to queued (retry)', () => {
    expect(allowedFrom('succeeded')).toEqual([])
    expect(allowedFrom('failed')).toEqual(['queued'])
    expect(allowedFrom('canceled')).toEqual(['queued'])
  })

  it('lets the user cancel anything not finished', () => {
    for (const s of ALL) {
      if (isTerminal(s)) continue
      expect(canTransition(s, 'canceled'), s).toBe(true)
    }
  })

  it('needs_decision waits for the user: retry (pay again) or cancel, nothing else', () => {
    expect(allowedFrom('needs_decision').sort()).toEqual(['canceled', 'queued'])
  })

  it('a late provider answer cannot revive a canceled or failed take', () => {
    for (const s of ['running', 'downloading', 'succeeded', 'submitting'] as const) {
      expect(canTransition('canceled', s)).toBe(false)
      expect(canTransition('failed', s)).toBe(false)
    }
  })

  it('waiting states lead back to the queue', () => {
    expect(canTransition('waiting_network', 'queued')).toBe(true)
    expect(canTransition('waiting_parent', 'queued')).toBe(true)
    expect(canTransition('waiting_network', 'running')).toBe(false)
    for (const s of ['queued', 'submitting', 'running', 'downloading'] as const) {
      expect(canTransition(s, 'waiting_network'), s).toBe(true)
    }
  })

  it('classifies every status', () => {
    const table = Object.fromEntries(
      ALL.map((s) => [s, [isTerminal(s), isInFlight(s), isRunnable(s), isRetryable(s)]]),
    )
    expect(table).toEqual({
      queued: [false, false, true, false],
      waiting_parent: [false, false, false, false],
      waiting_network: [false, false, false, false],
      submitting: [false, true, true, false],
      running: [false, true, true, false],
      downloading: [false, true, true, false],
      succeeded: [true, false, false, false],
      failed: [true, false, false, true],
      canceled: [true, false, false, true],
      needs_decision: [false, false, false, true],
    })
  })
})
