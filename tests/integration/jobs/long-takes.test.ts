// The model has no 30 s limit (predict.py has no bound on duration; audiocraft goes on in windows
// with an 18 s stride): Replicate and Cog take long durations, Scenario keeps its 30 s cap.
import { describe, expect, it } from 'vitest'
import { startCogFake } from '../../fakes/cog'
import { startReplicateFake } from '../../fakes/replicate'
import { tempDir } from '../../helpers/temp'
import { createTake, projectWithAudio, waitFor } from './helpers'
import { providerHarness } from './provider-harness'

const replicate = providerHarness(startReplicateFake, (fake) => ({ replicate: fake.url }))
const cog = providerHarness(startCogFake, (fake) => ({ cog: fake.url }))

describe('takes longer than 30 s', () => {
  it('Replicate makes a 75 s take: sent as asked, stored', async () => {
    const { fake, core, projectId } = await replicate.setup({})
    const g = await createTake(core, projectId, 'replicate', { prompt: 'long', duration: 75 })
    expect((await waitFor(core, g.id)).status).toBe('succeeded')
    expect([...fake.state.predictions.values()][0]!.input.duration).toBe(75)
  })

  it('Cog continues a clip into a 60 s take (the slice stays within the 30 s window)', async () => {
    const fake = await cog.fake({})
    const core = await cog.core(tempDir(), fake)
    const { projectId, assetId } = await projectWithAudio(core, 12)
    const g = await createTake(core, projectId, 'cog', {
      prompt: 'go on',
      input_audio: { assetId },
      continuation: true,
      continuation_start: 2,
      duration: 60,
    })
    expect((await waitFor(core, g.id)).status).toBe('succeeded')
    expect(fake.state.history[0]!.input).toMatchObject({ duration: 60, continuation_start: 2 })
  })

  it('the estimate grows with the duration, windows included', async () => {
    const { core } = await replicate.setup({})
    const seconds = async (provider: 'replicate' | 'cog', duration: number): Promise<number> =>
      (await core.call('generations.estimate', { provider, params: { prompt: 'x', duration } }))
        .typicalSeconds ?? 0
    for (const provider of ['replicate', 'cog'] as const) {
      const [s30, s60, s300] = [
        await seconds(provider, 30),
        await seconds(provider, 60),
        await seconds(provider, 300),
      ]
      expect(s60).toBeGreaterThan(s30 * 1.9)
      expect(s300).toBeGreaterThan(s60 * 4.5)
    }
  })

  it('Scenario keeps its 30 s cap; nothing is sent', async () => {
    const { core, projectId } = await replicate.setup({})
    const refused = await core.dispatch('generations.create', {
      projectId,
      provider: 'scenario',
      params: { prompt: 'long', duration: 31 },
    })
    expect(refused.ok).toBe(false)
    if (!refused.ok) {
      expect(refused.error.field).toBe('duration')
      expect(refused.error.message).toMatch(/from 1 to 30 seconds/)
    }
  })
})
