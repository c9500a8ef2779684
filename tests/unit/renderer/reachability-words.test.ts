import { describe, expect, it } from 'vitest'
import type { Generation, ProviderReachability } from '../../../src/shared/domain'
import {
  chipText,
  connectionSummary,
  waitingFor,
  waitingWords,
} from '../../../src/renderer/src/lib/state/reachability-words'

function reach(
  provider: ProviderReachability['provider'],
  reachable: boolean,
  waitingTakes = 0,
): ProviderReachability {
  return {
    provider,
    reachable,
    reason: reachable ? null : 'connect ECONNREFUSED 127.0.0.1:5000',
    waitingTakes,
    checkedAt: 0,
  }
}

describe('what the header says', () => {
  it('says Online only when every provider answers', () => {
    const all = [reach('replicate', true), reach('scenario', true), reach('cog', true)]
    expect(connectionSummary(true, all)).toEqual({ headline: 'Online', tone: 'ok' })
  })

  it('never says just Online while every provider is unreachable (network up, services down)', () => {
    const none = [reach('replicate', false), reach('scenario', false), reach('cog', false)]
    expect(connectionSummary(true, none)).toEqual({
      headline: 'Online, but no provider can be reached',
      tone: 'down',
    })
  })

  it('names the providers that cannot be reached when others answer', () => {
    const some = [reach('replicate', true), reach('scenario', false), reach('cog', false)]
    expect(connectionSummary(true, some)).toEqual({
      headline: "Online — Scenario and Local Cog can't be reached",
      tone: 'partial',
    })
  })

  it('counts the takes waiting for each provider', () => {
    const waiting = [reach('replicate', false, 3), reach('scenario', true), reach('cog', false, 1)]
    expect(connectionSummary(true, waiting).headline).toBe(
      "Replicate can't be reached — 3 takes will start when it's back · Local Cog can't be reached — 1 take will start when it's back",
    )
  })

  it('says Offline when the computer has no network at all', () => {
    expect(connectionSummary(false, [reach('replicate', true)]).headline).toMatch(/^Offline/)
  })

  it('chips say the same words', () => {
    expect(chipText(reach('replicate', false))).toBe("Replicate: can't be reached")
    expect(chipText(reach('cog', true))).toBe('Local Cog')
  })
})

describe('what a waiting take says', () => {
  const take = { provider: 'replicate', status: 'waiting_network' } as Generation
  it('names its provider instead of blaming the network', () => {
    expect(waitingFor(take)).toBe('Waiting for Replicate')
    expect(waitingWords(take)).toBe("Replicate can't be reached — this take starts when it's back")
    expect(waitingWords({ ...take, status: 'queued' })).toBeNull()
  })
})
