// Builds the job queue of a core: provider clients from settings and keys, limits, the probe.
import type { Provider } from '../../../shared/musicgen'
import type { CoreContext } from '../context'
import type { FetchLike, Sleep } from '../providers/http'
import type { ProviderClient } from '../providers/provider'
import { type ClientFactory, baseUrlOf, createClientFactory } from './clients'
import { JobQueue } from './queue'
import { DEFAULT_LIMITS, type ProviderLimits } from './rate-limit'

export interface JobQueueSetup {
  env: Readonly<Record<string, string | undefined>>
  fetch: FetchLike
  sleep: Sleep
  random: () => number
  limits?: Readonly<Record<Provider, ProviderLimits>>
  /** Replaces the HTTP clients (benchmarks of the queue itself). */
  clientFor?: ClientFactory
  local: ProviderClient
}

export function createJobQueue(ctx: CoreContext, setup: JobQueueSetup): JobQueue {
  const limits = setup.limits ?? DEFAULT_LIMITS
  const deps = { settings: ctx.settings, env: setup.env }
  const clientFor =
    setup.clientFor ??
    createClientFactory({
      ...deps,
      secrets: ctx.secrets,
      fetch: setup.fetch,
      sleep: setup.sleep,
      random: setup.random,
      clock: ctx.clock,
      log: ctx.log,
      limits,
      local: setup.local,
    })
  return new JobQueue({
    ctx,
    clientFor,
    sleep: setup.sleep,
    random: setup.random,
    fetch: setup.fetch,
    limits,
    // Cog answers its health check; the hosted APIs answer anything (401 counts as reachable).
    probeUrl: (provider) => {
      const base = baseUrlOf(deps, provider).replace(/\/+$/, '')
      return provider === 'cog' ? `${base}/health-check` : base
    },
  })
}
