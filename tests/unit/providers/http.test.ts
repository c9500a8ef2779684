import { describe, it, expect } from 'vitest'
import {
  DEFAULT_RETRY_POLICY,
  HttpClient,
  type FetchLike,
  backoffDelay,
  parseResetHint,
  parseRetryAfter,
} from '../../../src/main/core/providers/http'
import {
  OutcomeUnknownError,
  ProviderError,
  codeForStatus,
  providerMessage,
} from '../../../src/main/core/providers/provider-error'

function netError(code: string): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) })
}

type Step = Response | Error

/** A fetch that plays a script of answers and records the calls. */
function scripted(steps: Step[]): { fetch: FetchLike; calls: number } {
  const box = { calls: 0, fetch: undefined as unknown as FetchLike }
  const play = (): Promise<Response> => {
    const s = steps[box.calls++]
    if (s === undefined) throw new Error('script exhausted')
    return s instanceof Error ? Promise.reject(s) : Promise.resolve(s)
  }
  box.fetch = play
  return box
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })
}

function client(fetchFn: FetchLike, sleeps: number[], now = 0): HttpClient {
  return new HttpClient('replicate', {
    fetch: fetchFn,
    sleep: (ms) => {
      sleeps.push(ms)
      return Promise.resolve()
    },
    random: () => 0.5,
    now: () => now,
  })
}

const GET = { method: 'GET' as const, url: 'http://127.0.0.1:1/v1/x' }
const PAID = { method: 'POST' as const, url: 'http://127.0.0.1:1/v1/predictions', paid: true }

describe('backoff and hints', () => {
  it('grows exponentially with full jitter and a cap', () => {
    const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 }
    expect(backoffDelay(0, p, () => 0.999)).toBe(99)
    expect(backoffDelay(3, p, () => 0.5)).toBe(400)
    expect(backoffDelay(10, p, () => 0.5)).toBe(500)
    expect(backoffDelay(2, p, () => 0)).toBe(0)
  })

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('7', 0)).toBe(7000)
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:12 GMT', now)).toBe(12_000)
    expect(parseRetryAfter('soon', now)).toBeNull()
    expect(parseRetryAfter(null, now)).toBeNull()
  })

  it('reads the "resets in ~Ns" hint', () => {
    expect(parseResetHint('Request was throttled. Your rate limit resets in ~30s.')).toBe(30_000)
    expect(parseResetHint('nothing here')).toBeNull()
  })

  it('maps statuses and messages', () => {
    expect(codeForStatus('replicate', 401, '')).toBe('auth')
    expect(codeForStatus('replicate', 402, '')).toBe('billing')
    expect(codeForStatus('scenario', 403, 'forbidden')).toBe('auth')
    expect(codeForStatus('scenario', 403, 'not enough credits')).toBe('billing')
    expect(codeForStatus('cog', 409, '')).toBe('rate_limited')
    expect(codeForStatus('cog', 422, '')).toBe('invalid_input')
    expect(providerMessage({ status: 400, code: 'bad', message: 'm' }, 'f')).toBe('m')
    expect(providerMessage({ reason: 'r', hint: 'h' }, 'f')).toBe('r — h')
    expect(providerMessage({ detail: [{ loc: ['body', 'input', 'x'], msg: 'bad' }] }, 'f')).toBe(
      'input.x: bad',
    )
  })
})

describe('HttpClient retry policy', () => {
  it('retries network errors and 5xx with backoff, then succeeds', async () => {
    const s = scripted([
      netError('ECONNRESET'),
      json(503, { detail: 'down' }),
      json(200, { ok: 1 }),
    ])
    const sleeps: number[] = []
    const res = await client(s.fetch, sleeps).json(GET)
    expect(res.body).toEqual({ ok: 1 })
    expect(s.calls).toBe(3)
    expect(sleeps).toEqual([250, 500])
  })

  it('fails at once on other 4xx with the provider message', async () => {
    const s = scripted([json(422, { title: 'Invalid', detail: 'input.duration: bad' })])
    const sleeps: number[] = []
    const err = await client(s.fetch, sleeps)
      .json(GET)
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ProviderError)
    expect((err as ProviderError).code).toBe('invalid_input')
    expect((err as ProviderError).message).toBe('input.duration: bad')
    expect(sleeps).toEqual([])
  })

  it('honours Retry-After, then the body hint, on 429', async () => {
    const s = scripted([
      json(429, { detail: 'slow down' }, { 'retry-after': '3' }),
      json(429, { detail: 'Your rate limit resets in ~12s.' }),
      json(429, { detail: 'throttled' }),
      json(200, {}),
    ])
    const sleeps: number[] = []
    await client(s.fetch, sleeps).json(GET)
    expect(sleeps).toEqual([3000, 12_000, 1000])
  })

  it('hands a long Retry-After to the caller', async () => {
    const s = scripted([json(429, { detail: 'later' }, { 'retry-after': '3600' })])
    const err = (await client(s.fetch, [])
      .json(GET)
      .catch((e: unknown) => e)) as ProviderError
    expect(err.code).toBe('rate_limited')
    expect(err.retryAfterMs).toBe(3_600_000)
  })

  it('gives up after maxAttempts', async () => {
    const s = scripted(Array.from({ length: 6 }, () => json(500, { detail: 'boom' })))
    const sleeps: number[] = []
    const err = (await client(s.fetch, sleeps)
      .json(GET)
      .catch((e: unknown) => e)) as ProviderError
    expect(err.code).toBe('provider_failed')
    expect(err.message).toBe('boom')
    expect(s.calls).toBe(6)
    expect(sleeps).toHaveLength(5)
  })

  it('never resends a paid request whose answer was lost', async () => {
    for (const step of [netError('ECONNRESET'), json(502, { detail: 'bad gateway' })]) {
      const s = scripted([step, json(201, {})])
      const err = await client(s.fetch, [])
        .json(PAID)
        .catch((e: unknown) => e)
      expect(err).toBeInstanceOf(OutcomeUnknownError)
      expect((err as ProviderError).code).toBe('outcome_unknown')
      expect(s.calls).toBe(1)
    }
  })

  it('retries a paid request refused before sending or throttled', async () => {
    const s = scripted([
      netError('ECONNREFUSED'),
      json(429, { detail: 'x' }),
      json(201, { id: 'a' }),
    ])
    const sleeps: number[] = []
    const res = await client(s.fetch, sleeps).json(PAID)
    expect(res.body).toEqual({ id: 'a' })
    expect(sleeps).toHaveLength(2)
  })

  it('keeps credentials out of messages', async () => {
    const s = scripted([json(400, { detail: 'token sekrit-123 is odd' })])
    const err = (await client(s.fetch, [])
      .json({ ...GET, secrets: ['sekrit-123'] })
      .catch((e: unknown) => e)) as ProviderError
    expect(err.message).toBe('token [redacted] is odd')
  })

  it('stops when the caller aborts', async () => {
    const ctrl = new AbortController()
    ctrl.abort()
    const s = scripted([json(200, {})])
    const err = (await client(s.fetch, [])
      .json({ ...GET, signal: ctrl.signal })
      .catch((e: unknown) => e)) as ProviderError
    expect(err.code).toBe('canceled')
  })
})
