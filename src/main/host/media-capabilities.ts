import { createHmac, randomBytes } from 'node:crypto'
import { sameSecret } from './access'

/** Long enough to play a take from its URL; a new URL is asked for at every audition. */
const LIFETIME_MS = 10 * 60 * 1000

/**
 * Capability URLs for media: `/media/<assetId>?cap=<expiry>.<signature>` lets whoever holds it read
 * that one asset's audio, until the expiry, and nothing else. The key lives in this process only,
 * so a restart (or a second instance) never honours another's URLs.
 */
export class MediaCapabilities {
  readonly #key = randomBytes(32)

  constructor(
    private readonly clock: () => number = Date.now,
    private readonly lifetimeMs = LIFETIME_MS,
  ) {}

  urlFor(assetId: string): string {
    const expires = (this.clock() + this.lifetimeMs).toString(36)
    return `/media/${assetId}?cap=${expires}.${this.#sign(assetId, expires)}`
  }

  /** Whether `cap` (the query's value) grants reading `assetId` now. */
  allows(assetId: string, cap: string | null): boolean {
    const [expires, signature, ...rest] = (cap ?? '').split('.')
    if (!expires || !signature || rest.length > 0 || !/^[0-9a-z]{1,12}$/.test(expires)) return false
    if (parseInt(expires, 36) < this.clock()) return false
    return sameSecret(signature, this.#sign(assetId, expires))
  }

  #sign(assetId: string, expires: string): string {
    return createHmac('sha256', this.#key).update(`${assetId}\n${expires}`).digest('base64url')
  }
}
