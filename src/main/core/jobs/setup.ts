// Builds the job queue of a core: provider clients from settings and keys, limits, the probe.
import type { Provider } from '../../../shared/musicgen'
import type { CoreContext } from '../context'
import type { FetchLike, Sleep } from '../providers/http'
import type { ProviderLimits } from '../providers/descriptor'
import type { ProviderClient } from '../providers/provider'
import { descriptorOf } from '../providers/registry'
import { type ClientFactory, createClientFactory } from './clients'
import { JobQueue } from './queue'
import { DEFAULT_LIMITS } from './rate-limit'

export interface JobQueueSetup {
  fetch: FetchLike
  sleep: Sleep
  random: () => number
  limits?: Readonly<Record<Provider, ProviderLimits>>
  /** Replaces the HTTP clients (benchmarks of the queue itself). */
  clientFor?: ClientFactory
  /** The local engine's client (see LocalClient). */
  local: ProviderClient
}

export function createJobQueue(ctx: CoreContext, setup: JobQueueSetup): JobQueue {
  const limits = setup.limits ?? DEFAULT_LIMITS
  const clientFor =
    setup.clientFor ??
    createClientFactory({
      settings: ctx.settings,
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
    // No key is sent; any answer counts as reachable (a hosted API's 401 included).
    probeUrl: (provider) =>
      `${ctx.settings.addressOf(provider).replace(/\/+$/, '')}${descriptorOf(provider).probePath ?? ''}`,
  })
}
