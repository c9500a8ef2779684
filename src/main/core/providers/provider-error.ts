import { type Provider } from '../../../shared/musicgen'

// The codes a provider failure maps to; the job queue decides from the code whether to retry,
// wait, reconcile or give up. `outcome_unknown` is only thrown for a paid request whose answer
// was lost after it may have been accepted.
export const PROVIDER_ERROR_CODES = [
  'auth',
  'billing',
  'invalid_input',
  'rate_limited',
  'network',
  'provider_failed',
  'output_expired',
  'canceled',
  'outcome_unknown',
] as const
export type ProviderErrorCode = (typeof PROVIDER_ERROR_CODES)[number]

export interface ProviderErrorInit {
  status?: number
  /** Worth retrying later (network, 429, 5xx, a busy Cog). */
  retryable?: boolean
  /** The provider's own hint of when to try again. */
  retryAfterMs?: number
  cause?: unknown
}

/** A failure of a provider call, with the provider's own message (never a credential). */
export class ProviderError extends Error {
  readonly code: ProviderErrorCode
  readonly provider: Provider
  readonly status: number | undefined
  readonly retryable: boolean
  readonly retryAfterMs: number | undefined

  constructor(
    provider: Provider,
    code: ProviderErrorCode,
    message: string,
    init?: ProviderErrorInit,
  ) {
    super(message, init?.cause === undefined ? undefined : { cause: init.cause })
    this.name = 'ProviderError'
    this.provider = provider
    this.code = code
    this.status = init?.status
    this.retryable = init?.retryable ?? false
    this.retryAfterMs = init?.retryAfterMs
  }

  toJSON(): { code: ProviderErrorCode; message: string; status?: number } {
    return this.status === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, status: this.status }
  }
}

/**
 * A paid request may or may not have been accepted: the connection failed or timed out after the
 * body was sent. The caller must reconcile with the provider before sending it again.
 */
export class OutcomeUnknownError extends ProviderError {
  constructor(provider: Provider, message: string, cause?: unknown) {
    super(provider, 'outcome_unknown', message, { cause })
    this.name = 'OutcomeUnknownError'
  }
}

export function isProviderError(e: unknown): e is ProviderError {
  return e instanceof ProviderError
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null
}

/**
 * The provider's own message from an error body. Replicate answers RFC 7807 (`detail`, `title`);
 * Scenario varies (`{status,code,message}`, `{name,message}`, `reason`, `detail`, `hint`); Cog
 * answers `detail` (a string, or FastAPI's list of validation problems).
 */
export function providerMessage(body: unknown, fallback: string): string {
  if (typeof body === 'string') return str(body) ?? fallback
  if (typeof body !== 'object' || body === null) return fallback
  const b = body as Record<string, unknown>
  const parts: string[] = []
  const main =
    str(b.detail) ?? str(b.message) ?? str(b.reason) ?? str(b.error) ?? str(b.title) ?? null
  if (main !== null) parts.push(main)
  if (Array.isArray(b.detail)) {
    // FastAPI validation: [{loc: ['body','input','duration'], msg: '...'}]
    for (const item of b.detail) {
      if (typeof item !== 'object' || item === null) continue
      const it = item as Record<string, unknown>
      const loc = Array.isArray(it.loc) ? it.loc.filter((x) => x !== 'body').join('.') : ''
      const msg = str(it.msg)
      if (msg !== null) parts.push(loc === '' ? msg : `${loc}: ${msg}`)
    }
  }
  const hint = str(b.hint)
  if (hint !== null && !parts.includes(hint)) parts.push(hint)
  if (parts.length === 0) {
    const code = str(b.code) ?? str(b.name)
    if (code !== null) parts.push(code)
  }
  return parts.length > 0 ? parts.join(' — ') : fallback
}

const BILLING_WORDS = /credit|billing|payment|quota|insufficient|balance|plan/i

/** The code an HTTP error status maps to; the message helps tell billing from auth on 403. */
export function codeForStatus(
  provider: Provider,
  status: number,
  message: string,
): ProviderErrorCode {
  if (status === 401) return 'auth'
  if (status === 402) return 'billing'
  if (status === 403) {
    // Replicate documents 402/403 as billing; elsewhere a 403 is a key without the right.
    if (provider === 'replicate' || BILLING_WORDS.test(message)) return 'billing'
    return 'auth'
  }
  // Cog: "Already running a prediction" means busy, so try again later.
  if (status === 409 || status === 429) return 'rate_limited'
  if (status === 410) return 'output_expired'
  if (status === 404) return 'provider_failed'
  if (status >= 500) return 'provider_failed'
  return 'invalid_input'
}

/** Replaces every occurrence of a secret with a mark, so no key ends up in a message or log. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text
  for (const s of secrets) {
    if (s.length >= 4) out = out.split(s).join('[redacted]')
  }
  return out
}
