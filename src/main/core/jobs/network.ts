// Online/offline per provider. A network failure marks the provider offline: its takes wait (the
// rest of the app keeps working) while a probe with backoff checks when it can be reached again.
import type { Provider } from '../../../shared/musicgen'
import type { Log } from '../log'
import type { FetchLike, Sleep } from '../providers/http'

/** null when something answers at the provider's address, else why not (the technical cause). */
export type Probe = (provider: Provider, signal: AbortSignal) => Promise<string | null>

export interface NetworkMonitorOptions {
  probe: Probe
  sleep: Sleep
  random: () => number
  /** Called once per offline spell, when the provider answers again. */
  onOnline: (provider: Provider) => void
  log: Log
  signal: AbortSignal
  /** First wait before a probe, doubled after each failure up to maxDelayMs. */
  baseDelayMs?: number
  maxDelayMs?: number
}

/** Waits before probe n: exponential, half of it jittered so many clients do not align. */
export function probeDelay(
  attempt: number,
  base: number,
  max: number,
  random: () => number,
): number {
  const cap = Math.min(max, base * 2 ** Math.min(attempt, 30))
  return Math.round(cap / 2 + (cap / 2) * Math.min(1, Math.max(0, random())))
}

export class NetworkMonitor {
  private readonly offline = new Map<Provider, string>()

  constructor(private readonly opts: NetworkMonitorOptions) {}

  isOffline(provider: Provider): boolean {
    return this.offline.has(provider)
  }

  /** Probes a provider now (for the reachability indicator): null when it answers, else why not. */
  check(provider: Provider, signal: AbortSignal): Promise<string | null> {
    return this.opts.probe(provider, signal)
  }

  /** Why the provider is considered offline (the technical cause), for the takes' details. */
  reason(provider: Provider): string | null {
    return this.offline.get(provider) ?? null
  }

  markOffline(provider: Provider, reason: string): void {
    const probing = this.offline.has(provider)
    this.offline.set(provider, reason)
    if (probing) return
    this.opts.log.warn('provider unreachable, waiting for the network', { provider })
    this.probeLoop(provider).catch((e: unknown) => {
      if (!this.opts.signal.aborted) {
        this.opts.log.error('network probe stopped', { provider, error: String(e) })
      }
    })
  }

  private async probeLoop(provider: Provider): Promise<void> {
    const { sleep, random, probe, signal } = this.opts
    const base = this.opts.baseDelayMs ?? 1000
    const max = this.opts.maxDelayMs ?? 60_000
    for (let attempt = 0; !signal.aborted; attempt++) {
      await sleep(probeDelay(attempt, base, max, random), signal)
      if ((await probe(provider, signal)) === null) {
        this.offline.delete(provider)
        this.opts.log.info('provider reachable again', { provider })
        this.opts.onOnline(provider)
        return
      }
    }
  }
}

/**
 * A probe that asks whether anything answers at the provider's address. Any HTTP answer counts
 * (even 401 or 404): only a failed connection means offline. No credentials are sent.
 */
export function httpProbe(
  fetchFn: FetchLike,
  urlFor: (provider: Provider) => string,
  timeoutMs = 10_000,
): Probe {
  return async (provider, signal) => {
    const timeout = AbortSignal.timeout(timeoutMs)
    try {
      const res = await fetchFn(urlFor(provider), {
        method: 'GET',
        signal: AbortSignal.any([signal, timeout]),
      })
      await res.body?.cancel().catch(() => undefined)
      return null
    } catch (e) {
      if (timeout.aborted) return `No answer from its address within ${timeoutMs / 1000} s`
      return `No answer from its address: ${connectionCause(e)}`
    }
  }
}

/** "connect ECONNREFUSED 127.0.0.1:5000" rather than fetch's bare "fetch failed". */
function connectionCause(e: unknown): string {
  const cause = e instanceof Error ? e.cause : undefined
  if (cause instanceof Error && cause.message !== '') return cause.message
  if (typeof cause === 'object' && cause !== null && 'code' in cause) return String(cause.code)
  return e instanceof Error ? e.message : String(e)
}
