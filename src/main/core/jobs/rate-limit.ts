// Per-provider limits (from each provider's descriptor): how many takes run at once, and how many
// requests a minute reach the provider. Time is injected so tests never wait.
import { PROVIDERS, type Provider } from '../../../shared/musicgen'
import type { ProviderLimits } from '../providers/descriptor'
import { descriptorOf } from '../providers/registry'
import type { FetchLike, Sleep } from '../providers/http'

export type { ProviderLimits }

export const DEFAULT_LIMITS: Readonly<Record<Provider, ProviderLimits>> = Object.fromEntries(
  PROVIDERS.map((p) => [p, descriptorOf(p).limits]),
) as Record<Provider, ProviderLimits>

/**
 * A token bucket: `capacity` requests at once, refilled evenly over a minute. Waiters are served
 * in order, so a burst of polls cannot starve the request that creates a take.
 */
export class TokenBucket {
  private tokens: number
  private last: number
  private tail: Promise<void> = Promise.resolve()
  private readonly perMs: number

  constructor(
    readonly capacity: number,
    private readonly clock: () => number,
    private readonly sleep: Sleep,
  ) {
    this.tokens = capacity
    this.last = clock()
    this.perMs = capacity / 60_000
  }

  /** Tokens left now (after refill), for tests and logs. */
  available(): number {
    this.refill()
    return this.tokens
  }

  /** Resolves when a request may go; rejects when the signal aborts while waiting. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.tail.then(() => this.takeOne(signal))
    // The next waiter starts after this one, whether it got its token or gave up.
    this.tail = turn.catch(() => undefined)
    return turn
  }

  private refill(): void {
    const now = this.clock()
    const elapsed = Math.max(0, now - this.last)
    this.last = now
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.perMs)
  }

  private async takeOne(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted === true) throw signal.reason
      this.refill()
      if (this.tokens >= 1) {
        this.tokens -= 1
        return
      }
      await this.sleep(Math.ceil((1 - this.tokens) / this.perMs), signal)
    }
  }
}

/** A fetch that takes a token before every request (polls, uploads and downloads included). */
export function rateLimitedFetch(fetchFn: FetchLike, bucket: TokenBucket): FetchLike {
  return async (input, init) => {
    await bucket.take(init?.signal ?? undefined)
    return fetchFn(input, init)
  }
}

/** Counts takes in flight per provider against their concurrency. */
export class ConcurrencySlots {
  private readonly used = new Map<Provider, number>()

  constructor(private readonly limits: Readonly<Record<Provider, ProviderLimits>>) {}

  free(provider: Provider): boolean {
    return (this.used.get(provider) ?? 0) < Math.max(1, this.limits[provider].concurrency)
  }

  inUse(provider: Provider): number {
    return this.used.get(provider) ?? 0
  }

  acquire(provider: Provider): boolean {
    if (!this.free(provider)) return false
    this.used.set(provider, this.inUse(provider) + 1)
    return true
  }

  release(provider: Provider): void {
    this.used.set(provider, Math.max(0, this.inUse(provider) - 1))
  }
}
