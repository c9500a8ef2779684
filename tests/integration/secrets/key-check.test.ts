// Issue 12 item 6: a key is checked with the provider's cheapest authenticated call when it is
// saved: valid, rejected by the provider (401/403), or could not check (the key is kept).
import { describe, expect, it } from 'vitest'
import type { KeyCheck, ProviderReachability, SecretsStatus } from '../../../src/shared/domain'
import type { Provider } from '../../../src/shared/musicgen'
import { startReplicateFake } from '../../fakes/replicate'
import { startScenarioFake } from '../../fakes/scenario'
import { memoryKeychain } from '../../helpers/core'
import { tempDir } from '../../helpers/temp'
import {
  REPLICATE_TOKEN,
  SCENARIO_KEY,
  SCENARIO_SECRET,
  createTake,
  projectWithAudio,
  waitFor,
} from '../jobs/helpers'
import { providerHarness } from '../jobs/provider-harness'

const replicate = providerHarness(startReplicateFake, (fake) => ({
  replicate: fake.url,
  keys: false,
}))
const scenario = providerHarness(startScenarioFake, (fake) => ({
  scenario: fake.url,
  keys: false,
}))

function checkOf(status: SecretsStatus, provider: Provider): KeyCheck | undefined {
  return status.checks.find((c) => c.provider === provider)
}

describe('a key is checked when it is saved', () => {
  it('Replicate: a good token is valid, a wrong one is rejected by Replicate and still saved', async () => {
    const fake = await replicate.fake({})
    const core = await replicate.core(tempDir(), fake)
    const good = await core.call('secrets.set', { account: 'replicate', value: REPLICATE_TOKEN })
    expect(checkOf(good, 'replicate')).toMatchObject({ result: 'valid', summary: 'valid' })
    expect(fake.state.requests).toEqual(['GET /v1/account'])

    const wrong = await core.call('secrets.set', { account: 'replicate', value: 'r8_wrongToken1' })
    expect(wrong.accounts.find((a) => a.account === 'replicate')?.set).toBe(true)
    const rejected = checkOf(wrong, 'replicate')
    expect(rejected).toMatchObject({
      result: 'rejected',
      summary: 'rejected by Replicate',
    })
    // The provider's own words, one click away; never the key.
    expect(rejected?.cause).toMatch(/valid authentication token.*HTTP 401/)
    expect(JSON.stringify(wrong)).not.toContain('r8_wrongToken1')

    // A take with the rejected key fails as an auth problem (the UI links it to Settings).
    const { projectId } = await projectWithAudio(core)
    const take = await createTake(core, projectId, 'replicate', { prompt: 'wrong key' })
    expect((await waitFor(core, take.id)).error?.code).toBe('auth')
  })

  it('Replicate down: could not check (offline), the key is kept; checking again once it is back', async () => {
    const fake = await replicate.fake({})
    const core = await replicate.core(tempDir(), fake)
    const reachability: ProviderReachability[] = []
    core.events.onAny((event, payload) => {
      if (event === 'providers.changed') reachability.push(payload as ProviderReachability)
    })
    await fake.down()
    const status = await core.call('secrets.set', { account: 'replicate', value: REPLICATE_TOKEN })
    // The header hears it too: Settings and the chips agree.
    expect(reachability[0]).toMatchObject({ provider: 'replicate', reachable: false })
    expect(status.accounts.find((a) => a.account === 'replicate')).toMatchObject({
      set: true,
      source: 'keychain',
    })
    const unchecked = checkOf(status, 'replicate')
    expect(unchecked).toMatchObject({
      result: 'unchecked',
      summary: 'could not check (offline)',
    })
    expect(unchecked?.cause).toMatch(/ECONNREFUSED/)

    await fake.up()
    const again = await core.call('secrets.check', { provider: 'replicate' })
    expect(checkOf(again, 'replicate')?.result).toBe('valid')
  })

  it('Replicate failing on its side (5xx): could not check, not rejected', async () => {
    const fake = await replicate.fake({})
    const core = await replicate.core(tempDir(), fake)
    fake.state.faults.add({ kind: 'status', status: 503 }, 100)
    const status = await core.call('secrets.set', { account: 'replicate', value: REPLICATE_TOKEN })
    expect(checkOf(status, 'replicate')).toMatchObject({
      result: 'unchecked',
      summary: 'could not check (Replicate had a problem)',
      cause: expect.stringMatching(/HTTP 503/),
    })
  })

  it('Scenario: checked once key and secret are both there; a wrong secret is rejected by Scenario', async () => {
    const fake = await scenario.fake({})
    const core = await scenario.core(tempDir(), fake)
    const half = await core.call('secrets.set', { account: 'scenario-key', value: SCENARIO_KEY })
    expect(checkOf(half, 'scenario')).toBeUndefined()
    expect(fake.state.requests).toEqual([])
    const wrong = await core.call('secrets.set', { account: 'scenario-secret', value: 'nope' })
    expect(checkOf(wrong, 'scenario')).toMatchObject({
      result: 'rejected',
      summary: 'rejected by Scenario',
      cause: expect.stringMatching(/Invalid API key or secret.*HTTP 401/),
    })
    const good = await core.call('secrets.set', {
      account: 'scenario-secret',
      value: SCENARIO_SECRET,
    })
    expect(checkOf(good, 'scenario')?.result).toBe('valid')
    expect(
      fake.state.requests.filter((r) => r === 'GET /v1/models/model_meta-musicgen'),
    ).toHaveLength(2)
  })

  it('the check is kept across a restart and forgotten when the key is cleared', async () => {
    const fake = await replicate.fake({})
    const dir = tempDir()
    const keychain = memoryKeychain()
    const first = await replicate.core(dir, fake, { keychain })
    await first.call('secrets.set', { account: 'replicate', value: 'r8_wrongToken1' })
    first.close()
    const core = await replicate.core(dir, fake, { keychain })
    const status = await core.call('secrets.status', {})
    expect(checkOf(status, 'replicate')?.result).toBe('rejected')
    const events: SecretsStatus[] = []
    core.events.onAny((event, payload) => {
      if (event === 'secrets.changed') events.push(payload as SecretsStatus)
    })
    const cleared = await core.call('secrets.clear', { account: 'replicate' })
    expect(cleared.checks).toEqual([])
    expect(events.at(-1)?.checks).toEqual([])
  })

  it('a provider without keys, or with one missing, is refused a check with the reason', async () => {
    const fake = await scenario.fake({})
    const core = await scenario.core(tempDir(), fake)
    const cog = await core.dispatch('secrets.check', { provider: 'cog' })
    expect(cog.ok ? null : cog.error).toMatchObject({ code: 'invalid_input', message: /no key/ })
    const missing = await core.dispatch('secrets.check', { provider: 'scenario' })
    expect(missing.ok ? null : missing.error.message).toMatch(/No Scenario API key and secret/)
  })
})
