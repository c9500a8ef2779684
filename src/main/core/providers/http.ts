// The one HTTP layer of the provider clients: timeouts, abort, and the shared retry policy.
// Time and randomness are injected so that tests never wait on a real clock.
import { type Provider } from '../../../shared/musicgen'
import { type Log } from '../log'
import {
  OutcomeUnknownError,
  ProviderError,
  type ProviderErrorCode,
  codeForStatus,
  providerMessage,
  redact,
} from './provider-error'

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>
export type FetchLike = typeof fetch

/** A real sleep that stops early (rejecting with the signal's reason) when aborted. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason as Error)
      return
    }
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal?.reason as Error)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  maxAttempts: number
  baseDelayMs: number
  maxDelayMs: number
  /** A Retry-After longer than this is handed to the caller (the queue) instead of slept. */
  maxRetryAfterMs: number
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
})

/** Exponential backoff with full jitter: uniform in [0, min(max, base * 2^attempt)). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt))
  const r = random()
  return Math.floor(cap * (Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0))
}

/** Retry-After as milliseconds: delta seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value === null || value === undefined) return null
  const v = value.trim()
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000)
  const date = Date.parse(v)
  if (Number.isNaN(date)) return null
  return Math.max(0, date - now)
}

/** Replicate's throttle body: "Your rate limit resets in ~30s." */
export function parseResetHint(body: string): number | null {
  const m = /resets? in ~?\s*(\d+(?:\.\d+)?)\s*s/i.exec(body)
  return m === null ? null : Math.round(Number(m[1]) * 1000)
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE'

export interface HttpRequest {
  method: HttpMethod
  url: string
  headers?: Record<string, string>
  body?: string | Uint8Array | FormData
  /** Creates something that costs money: never resent once it may have reached the provider. */
  paid?: boolean
  signal?: AbortSignal
  /** Overrides the client's time to wait for response headers (e.g. Replicate `Prefer: wait`). */
  headersTimeoutMs?: number
  /** Extra statuses that mean "not accepted, try later" (Cog's 409 busy). */
  retryStatuses?: readonly number[]
  /** Maps statuses to codes where the generic mapping is wrong (a gone output is 404). */
  statusCodes?: Readonly<Partial<Record<number, ProviderErrorCode>>>
  /** Values never to let into a message (credentials). */
  secrets?: readonly string[]
  /** A label for logs and messages, without query strings or ids worth hiding. */
  what?: string
}

export interface JsonResponse {
  status: number
  headers: Headers
  body: unknown
}

export interface HttpClientOptions {
  fetch?: FetchLike
  sleep?: Sleep
  random?: () => number
  now?: () => number
  log?: Log
  retry?: Partial<RetryPolicy>
  /** Time from sending to response headers (covers connecting). */
  headersTimeoutMs?: number
  /** Longest silence while reading a body. */
  readTimeoutMs?: number
}

// Connection failures that happen before any byte of the request left: safe to resend.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
])

class TimeoutSignal extends Error {
  constructor(readonly phase: 'headers' | 'read') {
    super(phase === 'headers' ? 'no response in time' : 'the response stalled')
    this.name = 'TimeoutSignal'
  }
}

function causeCode(e: unknown): string | null {
  let cur: unknown = e
  for (let i = 0; i < 5 && typeof cur === 'object' && cur !== null; i++) {
    const code = (cur as { code?: unknown }).code
    if (typeof code === 'string') return code
    cur = (cur as { cause?: unknown }).cause
  }
  return null
}

/** Reads a body chunk by chunk, failing when it stays silent longer than idleMs. */
export async function* readWithIdleTimeout(
  body: ReadableStream<Uint8Array>,
  idleMs: number,
  onStall: () => void,
): AsyncGenerator<Uint8Array> {
  const reader = body.getReader()
  let finished = false
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined
      const stall = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TimeoutSignal('read')), idleMs)
      })
      let r: Awaited<ReturnType<typeof reader.read>>
      try {
        r = await Promise.race([reader.read(), stall])
      } catch (e) {
        if (e instanceof TimeoutSignal) onStall()
        throw e
      } finally {
        clearTimeout(timer)
      }
      if (r.done) {
        finished = true
        return
      }
      yield r.value
    }
  } finally {
    if (!finished) reader.cancel().catch(() => undefined)
    reader.releaseLock()
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const total = chunks.reduce((n, c) => n + c.length, 0)
  const out = new Uint8Array(total)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}

interface Attempt {
  res: Response
  ctrl: AbortController
}

export class HttpClient {
  readonly provider: Provider
  readonly policy: RetryPolicy
  readonly sleep: Sleep
  readonly random: () => number
  readonly now: () => number
  private readonly fetchFn: FetchLike
  private readonly log: Log | undefined
  private readonly headersTimeoutMs: number
  private readonly readTimeoutMs: number

  constructor(provider: Provider, options: HttpClientOptions = {}) {
    this.provider = provider
    this.fetchFn = options.fetch ?? fetch
    this.sleep = options.sleep ?? realSleep
    this.random = options.random ?? Math.random
    this.now = options.now ?? Date.now
    this.log = options.log
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry }
    this.headersTimeoutMs = options.headersTimeoutMs ?? 30_000
    this.readTimeoutMs = options.readTimeoutMs ?? 30_000
  }

  /** A JSON call with the shared retry policy; a non-2xx answer throws a ProviderError. */
  async json(req: HttpRequest): Promise<JsonResponse> {
    return this.withRetry(req, async ({ res, ctrl }) => {
      const bytes = await this.readAll(res, ctrl)
      const text = new TextDecoder().decode(bytes)
      let body: unknown = null
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text)
        } catch (e) {
          const msg = `${this.label(req)} answered ${res.status} with a body that is not JSON`
          if (req.paid === true) throw new OutcomeUnknownError(this.provider, msg, e)
          throw new ProviderError(this.provider, 'provider_failed', msg, { status: res.status })
        }
      }
      return { status: res.status, headers: res.headers, body }
    })
  }

  /**
   * Streams a download, resuming after a cut-off: it asks for the rest with a Range header and,
   * when the server ignores it, skips what was already yielded. `open` is called before every
   * attempt so that a signed URL can be fetched fresh.
   */
  async *download(
    open: () => Promise<HttpRequest>,
    signal?: AbortSignal,
  ): AsyncGenerator<Uint8Array> {
    let got = 0
    for (let attempt = 0; ; attempt++) {
      const base = await open()
      const req: HttpRequest = {
        ...base,
        signal: base.signal ?? signal,
        headers: got > 0 ? { ...base.headers, range: `bytes=${got}-` } : base.headers,
        statusCodes: {
          404: 'output_expired',
          410: 'output_expired',
          403: 'output_expired',
          ...base.statusCodes,
        },
      }
      const { res, ctrl } = await this.withRetry(req, (a) => Promise.resolve(a))
      let skip = res.status === 206 ? 0 : got
      try {
        if (res.body === null) return
        for await (const chunk of readWithIdleTimeout(res.body, this.readTimeoutMs, () =>
          ctrl.abort(new TimeoutSignal('read')),
        )) {
          if (skip >= chunk.length) {
            skip -= chunk.length
            continue
          }
          const out = skip > 0 ? chunk.subarray(skip) : chunk
          skip = 0
          got += out.length
          yield out
        }
        return
      } catch (e) {
        const err = this.networkError(req, e, 'while downloading')
        if (err.code !== 'network' || attempt + 1 >= this.policy.maxAttempts) throw err
        const delay = backoffDelay(attempt, this.policy, this.random)
        this.log?.warn('provider download cut off, resuming', {
          provider: this.provider,
          received: got,
          attempt: attempt + 1,
          delayMs: delay,
        })
        await this.pause(delay, req)
      } finally {
        ctrl.abort()
      }
    }
  }

  private label(req: HttpRequest): string {
    return req.what ?? `${req.method} ${new URL(req.url).pathname}`
  }

  private async pause(ms: number, req: HttpRequest): Promise<void> {
    try {
      await this.sleep(ms, req.signal)
    } catch (e) {
      throw new ProviderError(this.provider, 'canceled', 'The request was canceled', { cause: e })
    }
  }

  private async readAll(res: Response, ctrl: AbortController): Promise<Uint8Array> {
    if (res.body === null) return new Uint8Array(0)
    const chunks: Uint8Array[] = []
    for await (const c of readWithIdleTimeout(res.body, this.readTimeoutMs, () =>
      ctrl.abort(new TimeoutSignal('read')),
    )) {
      chunks.push(c)
    }
    return concat(chunks)
  }

  private async attempt(req: HttpRequest): Promise<Attempt> {
    const ctrl = new AbortController()
    const signal =
      req.signal === undefined ? ctrl.signal : AbortSignal.any([ctrl.signal, req.signal])
    if (req.signal?.aborted === true) {
      throw new ProviderError(this.provider, 'canceled', 'The request was canceled')
    }
    const timer = setTimeout(
      () => ctrl.abort(new TimeoutSignal('headers')),
      req.headersTimeoutMs ?? this.headersTimeoutMs,
    )
    try {
      const res = await this.fetchFn(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal,
        redirect: 'follow',
      })
      return { res, ctrl }
    } catch (e) {
      throw this.networkError(req, e, 'before an answer')
    } finally {
      clearTimeout(timer)
    }
  }

  /** Turns a thrown fetch or body failure into a ProviderError, honouring the paid rule. */
  private networkError(req: HttpRequest, e: unknown, when: string): ProviderError {
    if (e instanceof ProviderError) return e
    const what = this.label(req)
    if (req.signal?.aborted === true) {
      if (req.paid === true) {
        return new OutcomeUnknownError(
          this.provider,
          `${what} was canceled after it was sent: the provider may have accepted it`,
          e,
        )
      }
      return new ProviderError(this.provider, 'canceled', `${what} was canceled`, { cause: e })
    }
    const code = causeCode(e)
    const timedOut =
      e instanceof TimeoutSignal || (e instanceof Error && e.cause instanceof TimeoutSignal)
    const notSent = code !== null && NOT_SENT_CODES.has(code) && when === 'before an answer'
    const reason = timedOut
      ? (e instanceof TimeoutSignal ? e : (e as Error & { cause: TimeoutSignal }).cause).message
      : (code ?? (e instanceof Error ? e.message : 'connection failed'))
    const message = redact(`${what} failed ${when}: ${reason}`, req.secrets ?? [])
    if (req.paid === true && !notSent) {
      return new OutcomeUnknownError(
        this.provider,
        `${message}; the provider may have accepted it`,
        e,
      )
    }
    // Nothing answers at the address: no use retrying here for seconds while the take says
    // "Sending". The queue marks the provider offline at once and probes until it answers.
    return new ProviderError(this.provider, 'network', message, { retryable: !notSent, cause: e })
  }

  private async errorFromResponse(
    req: HttpRequest,
    res: Response,
    ctrl: AbortController,
  ): Promise<ProviderError> {
    let text = ''
    try {
      text = new TextDecoder().decode(await this.readAll(res, ctrl))
    } catch {
      // The status alone still says what happened.
    }
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {
      // A plain-text or HTML error body.
    }
    const fallback = `${this.label(req)} answered HTTP ${res.status}`
    const message = redact(providerMessage(body, fallback), req.secrets ?? [])
    const status = res.status
    const code = req.statusCodes?.[status] ?? codeForStatus(this.provider, status, message)
    const retryStatus =
      status === 429 || status >= 500 || (req.retryStatuses ?? []).includes(status)
    const hint =
      parseRetryAfter(res.headers.get('retry-after'), this.now()) ??
      parseResetHint(text) ??
      undefined
    return new ProviderError(this.provider, code, message, {
      status,
      retryable: retryStatus,
      retryAfterMs: hint,
    })
  }

  private async withRetry<T>(req: HttpRequest, consume: (a: Attempt) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let failure: ProviderError
      try {
        const a = await this.attempt(req)
        if (a.res.ok) {
          try {
            return await consume(a)
          } catch (e) {
            a.ctrl.abort()
            failure = this.networkError(req, e, 'while reading the answer')
          }
        } else {
          failure = await this.errorFromResponse(req, a.res, a.ctrl)
          // A paid request answered 5xx may still have created the prediction.
          const refused = failure.status === 429 || (req.retryStatuses ?? []).includes(a.res.status)
          if (req.paid === true && failure.retryable && !refused) {
            throw new OutcomeUnknownError(
              this.provider,
              `${failure.message} (HTTP ${failure.status ?? '?'}); the provider may have accepted it`,
              failure,
            )
          }
        }
      } catch (e) {
        if (e instanceof OutcomeUnknownError) throw e
        failure = e instanceof ProviderError ? e : this.networkError(req, e, 'before an answer')
      }
      if (!failure.retryable || failure instanceof OutcomeUnknownError) throw failure
      if (attempt + 1 >= this.policy.maxAttempts) throw failure
      const hint = failure.retryAfterMs
      if (hint !== undefined && hint > this.policy.maxRetryAfterMs) throw failure
      const delay = hint ?? backoffDelay(attempt, this.policy, this.random)
      this.log?.warn('provider request retry', {
        provider: this.provider,
        what: this.label(req),
        status: failure.status ?? null,
        code: failure.code,
        attempt: attempt + 1,
        delayMs: delay,
      })
      await this.pause(delay, req)
    }
  }
}
