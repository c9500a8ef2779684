// What the header, the provider chips and the takes say about reachable providers, from the one
// source main keeps (providers.status and providers.changed), in words a musician reads. The
// technical causes stay in ProviderReachability.reason / Generation.waitingReason, one click away.
import type { Generation, ProviderReachability } from '../../../../shared/domain'
import { PROVIDER_CAPABILITIES, type Provider } from '../../../../shared/musicgen'

const nameOf = (provider: Provider): string => PROVIDER_CAPABILITIES[provider].label

function takesPhrase(count: number): string {
  return count === 1 ? '1 take' : `${count} takes`
}

/** "Replicate", "Replicate and Scenario", "Replicate, Scenario and Local Cog". */
function names(providers: readonly ProviderReachability[]): string {
  const all = providers.map((p) => nameOf(p.provider))
  return all.length <= 1 ? (all[0] ?? '') : `${all.slice(0, -1).join(', ')} and ${all.at(-1)}`
}

export type ConnectionTone = 'ok' | 'partial' | 'down'

export interface ConnectionSummary {
  headline: string
  tone: ConnectionTone
}

/**
 * One line for the header. "Online" only when every provider answers: with the network up and
 * the services down, the words say which cannot be reached.
 */
export function connectionSummary(
  online: boolean,
  providers: readonly ProviderReachability[],
): ConnectionSummary {
  if (!online) {
    return { headline: 'Offline: takes wait and start when the network is back', tone: 'down' }
  }
  const unreachable = providers.filter((p) => !p.reachable)
  const waiting = unreachable.filter((p) => p.waitingTakes > 0)
  if (waiting.length > 0) {
    const headline = waiting
      .map(
        (p) =>
          `${nameOf(p.provider)} can't be reached — ${takesPhrase(p.waitingTakes)} will start when it's back`,
      )
      .join(' · ')
    return { headline, tone: 'down' }
  }
  if (unreachable.length > 0 && unreachable.length === providers.length) {
    return { headline: 'Online, but no provider can be reached', tone: 'down' }
  }
  if (unreachable.length > 0) {
    return { headline: `Online — ${names(unreachable)} can't be reached`, tone: 'partial' }
  }
  return { headline: 'Online', tone: 'ok' }
}

/** The chip of one provider. */
export function chipText(p: ProviderReachability): string {
  return p.reachable ? nameOf(p.provider) : `${nameOf(p.provider)}: can't be reached`
}

/** A take's status word when it waits for its provider: it names it (the network may be fine). */
export function waitingFor(take: Pick<Generation, 'provider'>): string {
  return `Waiting for ${nameOf(take.provider)}`
}

/** Why a take waits, in words; its waitingReason (the technical cause) goes in the details. */
export function waitingWords(take: Pick<Generation, 'provider' | 'status'>): string | null {
  if (take.status !== 'waiting_network') return null
  return `${nameOf(take.provider)} can't be reached — this take starts when it's back`
}
