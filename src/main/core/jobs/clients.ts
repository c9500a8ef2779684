// Provider clients built from settings (base URLs, environment overrides first) and the keychain.
// One client per provider and base URL: the Cog client keeps its open predictions in memory.
import type { Provider } from '../../../shared/musicgen'
import type { Log } from '../log'
import { resolveBaseUrl } from '../providers/base-urls'
import { CogClient } from '../providers/cog'
import type { FetchLike, Sleep } from '../providers/http'
import type { ProviderClient } from '../providers/provider'
import { ReplicateClient } from '../providers/replicate'
import { ScenarioClient } from '../providers/scenario'
import type { Secrets } from '../secrets/secrets'
import type { SettingsService } from '../settings-service'
import { type ProviderLimits, TokenBucket, rateLimitedFetch } from './rate-limit'

export type ClientFactory = (provider: Provider) => ProviderClient

export interface ClientDeps {
  settings: SettingsService
  secrets: Secrets
  env: Readonly<Record<string, string | undefined>>
  fetch: FetchLike
  sleep: Sleep
  random: () => number
  clock: () => number
  log: Log
  limits: Readonly<Record<Provider, ProviderLimits>>
  /** The local engine's client (it holds the running takes, so there is one). */
  local: ProviderClient
}

export function baseUrlOf(deps: Pick<ClientDeps, 'settings' | 'env'>, provider: Provider): string {
  const s = deps.settings.get()
  const fromSettings =
    provider === 'replicate'
      ? s.replicateBaseUrl
      : provider === 'scenario'
        ? s.scenarioBaseUrl
        : provider === 'cog'
          ? s.cogBaseUrl
          : s.modelHubUrl
  return resolveBaseUrl(provider, fromSettings, deps.env)
}

/** Whether a key is set for the provider (Cog needs none). Never returns the key. */
export async function hasCredentials(secrets: Secrets, provider: Provider): Promise<boolean> {
  switch (provider) {
    case 'replicate':
      return (await secrets.resolve('replicate')) !== null
    case 'scenario':
      return (
        (await secrets.resolve('scenario-key')) !== null &&
        (await secrets.resolve('scenario-secret')) !== null
      )
    case 'cog':
      return true
    case 'local':
      // No key: the model must be installed, which the local client checks when it prepares.
      return true
  }
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

  const build = (provider: Provider, baseUrl: string): ProviderClient => {
    const common = {
      baseUrl,
      fetch: fetchFor(provider),
      sleep: deps.sleep,
      random: deps.random,
      now: deps.clock,
      log: deps.log,
    }
    switch (provider) {
      case 'replicate':
        return new ReplicateClient({
          ...common,
          getCredentials: async () => {
            const token = await deps.secrets.resolve('replicate')
            return token === null ? null : { token }
          },
        })
      case 'scenario':
        return new ScenarioClient({
          ...common,
          getCredentials: async () => {
            const apiKey = await deps.secrets.resolve('scenario-key')
            const apiSecret = await deps.secrets.resolve('scenario-secret')
            return apiKey === null || apiSecret === null ? null : { apiKey, apiSecret }
          },
        })
      case 'cog':
        return new CogClient(common)
      case 'local':
        return deps.local
    }
  }

  return (provider) => {
    const baseUrl = baseUrlOf(deps, provider)
    const key = `${provider} ${baseUrl}`
    let client = cache.get(key)
    if (!client) {
      client = build(provider, baseUrl)
      cache.set(key, client)
    }
    return client
  }
}
