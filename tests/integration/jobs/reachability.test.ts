// Issue 12 item 5: the header, the chips and the takes agree, from one source (the queue's network
// monitor), the moment a connection is refused, whoever saw it (a take, or the status probe).
import { describe, expect, it } from 'vitest'
import type { ProviderReachability } from '../../../src/shared/domain'
import { startCogFake } from '../../fakes/cog'
import { startReplicateFake } from '../../fakes/replicate'
import type { JobsCore } from './helpers'
import { createTake, waitFor } from './helpers'
import { providerHarness } from './provider-harness'

const replicate = providerHarness(startReplicateFake, (fake) => ({ replicate: fake.url }))
const cog = providerHarness(startCogFake, (fake) => ({ cog: fake.url, keys: false }))

function reachabilityEvents(core: JobsCore, provider: string): ProviderReachability[] {
  const seen: ProviderReachability[] = []
  core.events.onAny((event, payload) => {
    const status = payload as ProviderReachability
    if (event === 'providers.changed' && status.provider === provider) seen.push(status)
  })
  return seen
}

describe('one truth about reachability', () => {
  it('the status probe finding a provider down tells the queue: takes wait without trying, then start when it is back', async () => {
    const { fake, core, projectId } = await replicate.setup({})
    const changes = reachabilityEvents(core, 'replicate')
    await fake.down()
    const [status] = (await core.call('providers.status', {})).filter(
      (s) => s.provider === 'replicate',
    )
    expect(status).toMatchObject({ reachable: false, waitingTakes: 0 })
    expect(status?.reason).toMatch(/ECONNREFUSED/)
    // Heard at once by every window, not at their next refresh.
    expect(changes).toEqual([status])

    // A take asked for now waits at once with the same cause: it is not sent ("Sending") first.
    const g = await createTake(core, projectId, 'replicate', { prompt: 'later' })
    const waiting = await waitFor(core, g.id, ['waiting_network'])
    expect(waiting.waitingReason).toBe(status?.reason)
    expect(core.updates.filter((u) => u.id === g.id).map((u) => u.status)).toEqual([
      'queued',
      'waiting_network',
    ])
    // The header hears of the waiting take at once (it counts them).
    expect(changes.at(-1)).toMatchObject({ reachable: false, waitingTakes: 1 })
    const [again] = (await core.call('providers.status', {})).filter(
      (s) => s.provider === 'replicate',
    )
    expect(again).toMatchObject({ reachable: false, waitingTakes: 1, reason: status?.reason })

    await fake.up()
    expect((await waitFor(core, g.id)).status).toBe('succeeded')
    expect(changes.at(-1)).toMatchObject({ reachable: true, reason: null, waitingTakes: 0 })
  })

  it('the local engine has no address to reach: no chip for it', async () => {
    const { core } = await replicate.setup({})
    const statuses = await core.call('providers.status', {})
    expect(statuses.map((s) => s.provider)).toEqual(['replicate', 'scenario', 'cog'])
  })

  it('a Cog container that refuses the connection: the take waits and the chip says so in the same turn', async () => {
    const { fake, core, projectId } = await cog.setup({})
    const changes = reachabilityEvents(core, 'cog')
    await fake.down()
    const g = await createTake(core, projectId, 'cog', { prompt: 'cog down', duration: 4 })
    const waiting = await waitFor(core, g.id, ['waiting_network'])
    expect(waiting.waitingReason).toMatch(/Cog health check failed before an answer: ECONNREFUSED/)
    expect(changes[0]).toMatchObject({
      reachable: false,
      waitingTakes: 1,
      reason: waiting.waitingReason,
    })
    await fake.up()
    expect((await waitFor(core, g.id)).status).toBe('succeeded')
    expect(changes.at(-1)).toMatchObject({ reachable: true, waitingTakes: 0 })
  })
})
