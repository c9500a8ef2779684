import { describe, expect, it } from 'vitest'
import { startCogFake } from '../../fakes/cog'
import { tempDir } from '../../helpers/temp'
import { createTake, projectWithAudio, until, waitFor } from './helpers'
import { providerHarness } from './provider-harness'

const harness = providerHarness(startCogFake, (fake) => ({ cog: fake.url, keys: false }))
const setup = (opts: Parameters<typeof startCogFake>[0] = {}) => harness.setup(opts)

describe('Cog takes through the contract', () => {
  it('makes a prompt-only take: the prediction id is the take id, the output inline', async () => {
    const { fake, core, projectId } = await setup()
    const g = await createTake(core, projectId, 'cog', { prompt: 'synthwave', duration: 4 })
    const done = await waitFor(core, g.id)
    expect(done.status).toBe('succeeded')
    expect(fake.state.history.map((p) => p.id)).toEqual([g.id])
    expect(fake.state.history[0]!.input.seed).toBe(g.seed)
    expect(done).toMatchObject({ providerJobId: g.id, seed: g.seed, progress: 1 })
    expect(done.cost?.predictSeconds).toBeGreaterThan(0)
    const asset = (await core.call('assets.list', { projectId })).find(
      (a) => a.id === done.outputAssetId,
    )
    expect(asset).toMatchObject({ channels: 2, sampleRate: 32_000 })
  })

  it('makes a melody take with input audio as an audio/x-wav data URL', async () => {
    const { fake, core, projectId, assetId } = await setup()
    const g = await createTake(core, projectId, 'cog', {
      prompt: 'melody',
      model_version: 'melody-large',
      input_audio: { assetId },
    })
    expect((await waitFor(core, g.id)).status).toBe('succeeded')
    expect(String(fake.state.history[0]!.input.input_audio)).toMatch(/^data:audio\/x-wav;base64,/)
  })

  it('makes a continuation take', async () => {
    const { fake, core, projectId, assetId } = await setup()
    const g = await createTake(core, projectId, 'cog', {
      prompt: 'continue',
      model_version: 'large',
      input_audio: { assetId },
      continuation: true,
      duration: 5,
    })
    const done = await waitFor(core, g.id)
    expect(done.status).toBe('succeeded')
    expect(fake.state.history[0]!.input).toMatchObject({ continuation: true })
    const asset = (await core.call('assets.list', { projectId })).find(
      (a) => a.id === done.outputAssetId,
    )
    expect(asset?.channels).toBe(1)
  })

  it('cancels a running prediction on the container', async () => {
    const { fake, core, projectId } = await setup({ advanceOnPoll: false })
    const g = await createTake(core, projectId, 'cog', { prompt: 'cancel me' })
    await waitFor(core, g.id, ['running'])
    expect((await core.call('generations.cancel', { generationId: g.id })).status).toBe('canceled')
    await until(() => fake.state.history[0]?.status === 'canceled', 'the container cancel')
    expect(fake.state.current).toBeNull()
  })

  it('ends as provider_failed with the predictor error', async () => {
    const { fake, core, projectId } = await setup()
    fake.state.failNextPredictionWith = 'CUDA error: device-side assert'
    const g = await createTake(core, projectId, 'cog', { prompt: 'fail' })
    const done = await waitFor(core, g.id)
    expect(done).toMatchObject({
      status: 'failed',
      error: { code: 'provider_failed', message: 'CUDA error: device-side assert' },
    })
  })

  it('waits while the container is busy with another prediction, then runs', async () => {
    // Polls move only our own prediction; the other one ends when the test says so.
    const { fake, core, projectId } = await setup()
    fake.state.occupy()
    const g = await createTake(core, projectId, 'cog', { prompt: 'after the other one' })
    await until(
      () => core.updates.some((u) => u.id === g.id && /busy/.test(u.waitingReason ?? '')),
      'the busy reason',
    )
    expect(fake.state.history).toHaveLength(1)
    fake.state.tick(10) // the other prediction ends
    expect((await waitFor(core, g.id)).status).toBe('succeeded')
    expect(fake.state.history.map((p) => `${p.id} ${p.status}`)).toEqual([
      'someone-else succeeded',
      `${g.id} succeeded`,
    ])
  })

  it('starts a prediction again after a restart (its result would reach only the lost connection)', async () => {
    const fake = await harness.fake({ advanceOnPoll: false })
    const dir = tempDir()
    const first = await harness.core(dir, fake)
    const { projectId } = await projectWithAudio(first)
    const g = await createTake(first, projectId, 'cog', { prompt: 'restart' })
    await waitFor(first, g.id, ['running'])
    first.close()
    const core = await harness.core(dir, fake)
    await until(() => fake.state.history.length === 2, 'the second run')
    expect(fake.state.history[0]!.status).toBe('canceled')
    fake.state.tick(10)
    expect((await waitFor(core, g.id)).status).toBe('succeeded')
  })
})
