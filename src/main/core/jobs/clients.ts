// Provider clients built from their descriptors, the settings (addresses, environment overrides
// first) and the keychain. One client per provider and address: the Cog client keeps its open
// predictions in memory.
import type { Provider } from '../../../shared/musicgen'
import type { Log } from '../log'
import type { FetchLike, Sleep } from '../providers/http'
import type { ProviderLimits } from '../providers/descriptor'
import type { ProviderClient } from '../providers/provider'
import { ProviderError } from '../providers/provider-error'
import { descriptorOf } from '../providers/registry'
import type { Secrets } from '../secrets/secrets'
import type { SettingsService } from '../settings-service'
import { TokenBucket, rateLimitedFetch } from './rate-limit'

export type ClientFactory = (provider: Provider) => ProviderClient

export interface ClientDeps {
  settings: SettingsService
  secrets: Secrets
  fetch: FetchLike
  sleep: Sleep
  random: () => number
  clock: () => number
  log: Log
  limits: Readonly<Record<Provider, ProviderLimits>>
  /** The local engine's client, built by the core: Settings drives the same model manager. */
  local: ProviderClient
}

/**
 * Why a take cannot be sent to the provider for want of a key, in words for the user: none set,
 * or one saved for another address. null when it can (Cog needs none). Never returns a key.
 */
export async function credentialProblem(
  deps: Pick<ClientDeps, 'settings' | 'secrets'>,
  provider: Provider,
): Promise<string | null> {
  const creds = descriptorOf(provider).credentials
  if (creds === null) return null
  for (const account of creds.accounts) {
    if ((await deps.secrets.resolve(account)) === null) return creds.missing
  }
  return deps.settings.keyAddressProblem(provider)
}

export function createClientFactory(deps: ClientDeps): ClientFactory {
  const cache = new Map<string, ProviderClient>()
  const buckets = new Map<Provider, TokenBucket>()

  const fetchFor = (provider: Provider): FetchLike => {
    const rpm = deps.limits[provider].requestsPerMinute
    if (rpm === null) return deps.fetch
    let bucket = buckets.get(provider)
    if (!bucket) {
      bucket = new TokenBucket(rpm, deps.clock, deps.sleep)
      buckets.set(provider, bucket)
    }
    return rateLimitedFetch(deps.fetch, bucket)
  }

  const build = (provider: Provider, baseUrl: string): ProviderClient =>
    descriptorOf(provider).createClient({
      baseUrl,
      fetch: fetchFor(provider),
      sleep: deps.sleep,
      random: deps.random,
      now: deps.clock,
      log: deps.log,
      // Asked before every request: a key goes only to the address it was saved for.
      secret: async (account) => {
        const problem = deps.settings.keyAddressProblem(provider)
        if (problem !== null) throw new ProviderError(provider, 'auth', problem)
        return deps.secrets.resolve(account)
      },
    })

  return (provider) => {
    if (provider === 'local') return deps.local
    const baseUrl = deps.settings.addressOf(provider)
    const key = `${provider} ${baseUrl}`
    let client = cache.get(key)
    if (!client) {
      client = build(provider, baseUrl)
      cache.set(key, client)
    }
    return client
  }
}
