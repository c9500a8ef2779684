import { describe, expect, it } from 'vitest'
import {
  ConcurrencySlots,
  DEFAULT_LIMITS,
  TokenBucket,
  rateLimitedFetch,
} from '../../../src/main/core/jobs/rate-limit'
import type { Sleep } from '../../../src/main/core/providers/http'

/** A clock that only the sleep moves. */
function virtualTime(): { clock: () => number; sleep: Sleep; slept: number[] } {
  let now = 1_000_000
  const slept: number[] = []
  return {
    clock: () => now,
    slept,
    sleep: (ms, signal) => {
      if (signal?.aborted === true) return Promise.reject(signal.reason as Error)
      slept.push(ms)
      now += ms
      return Promise.resolve()
    },
  }
}

describe('token bucket', () => {
  it('lets a burst of `capacity` through at once, then one request every 60 s / capacity', async () => {
    const t = virtualTime()
    const bucket = new TokenBucket(100, t.clock, t.sleep)
    for (let i = 0; i < 100; i++) await bucket.take()
    expect(t.slept).toEqual([])
    const start = t.clock()
    for (let i = 0; i < 50; i++) await bucket.take()
    // Scenario: 100 a minute → 600 ms each.
    expect(t.clock() - start).toBeGreaterThanOrEqual(50 * 600 - 1)
    expect(t.clock() - start).toBeLessThanOrEqual(50 * 600 + 50)
  })

  it('holds 100 requests per rolling minute for Scenario', async () => {
    const t = virtualTime()
    const bucket = new TokenBucket(DEFAULT_LIMITS.scenario.requestsPerMinute!, t.clock, t.sleep)
    const times: number[] = []
    for (let i = 0; i < 400; i++) {
      await bucket.take()
      times.push(t.clock())
    }
    for (let i = 200; i < times.length; i++) {
      const inWindow = times.filter((x) => x > times[i]! - 60_000 && x <= times[i]!).length
      expect(inWindow).toBeLessThanOrEqual(101)
    }
  })

  it('refills with time and never above its capacity', () => {
    let now = 0
    const bucket = new TokenBucket(
      10,
      () => now,
      () => Promise.resolve(),
    )
    expect(bucket.available()).toBe(10)
    now += 3_600_000
    expect(bucket.available()).toBe(10)
  })

  it('serves waiters in order, and a waiter that gives up does not block the next', async () => {
    const t = virtualTime()
    const bucket = new TokenBucket(1, t.clock, t.sleep)
    await bucket.take()
    const ctrl = new AbortController()
    ctrl.abort(new Error('gave up'))
    const order: string[] = []
    const a = bucket.take(ctrl.signal).then(
      () => order.push('a'),
      () => order.push('a aborted'),
    )
    const b = bucket.take().then(() => order.push('b'))
    await Promise.all([a, b])
    expect(order).toEqual(['a aborted', 'b'])
  })

  it('takes a token before every request of a rate-limited fetch', async () => {
    const t = virtualTime()
    const bucket = new TokenBucket(2, t.clock, t.sleep)
    let calls = 0
    const f = rateLimitedFetch(() => {
      calls++
      return Promise.resolve(new Response('ok'))
    }, bucket)
    for (let i = 0; i < 3; i++) await f('http://x/')
    expect(calls).toBe(3)
    expect(t.slept.length).toBeGreaterThan(0)
  })
})

describe('per-provider concurrency', () => {
  it('runs one Cog take at a time, several Replicate ones', () => {
    const slots = new ConcurrencySlots(DEFAULT_LIMITS)
    expect(slots.acquire('cog')).toBe(true)
    expect(slots.acquire('cog')).toBe(false)
    slots.release('cog')
    expect(slots.acquire('cog')).toBe(true)
    let replicate = 0
    while (slots.acquire('replicate')) replicate++
    expect(replicate).toBe(DEFAULT_LIMITS.replicate.concurrency)
    expect(replicate).toBeGreaterThan(1)
    // Providers do not share slots.
    expect(slots.acquire('scenario')).toBe(true)
  })
})
