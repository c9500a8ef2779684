import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProviderId } from '../../../src/shared/domain'
import { type ReplicateFake, startReplicateFake } from '../../fakes/replicate'
import { type ScenarioFake, startScenarioFake } from '../../fakes/scenario'
import { tempDir } from '../../helpers/temp'
import { type JobsCore, projectWithAudio, startJobsCore } from './helpers'

let replicate: ReplicateFake
let scenario: ScenarioFake
let core: JobsCore
let projectId = ''
let assetId = ''

beforeAll(async () => {
  replicate = await startReplicateFake()
  scenario = await startScenarioFake()
  core = await startJobsCore(tempDir(), { replicate: replicate.url, scenario: scenario.url })
  ;({ projectId, assetId } = await projectWithAudio(core, 3))
})

afterAll(async () => {
  core.close()
  await replicate.close()
  await scenario.close()
})

interface Case {
  rule: string
  provider?: ProviderId
  params: () => Record<string, unknown>
  field: string
  message: RegExp
}

const audio = (): { assetId: string } => ({ assetId })

const CASES: Case[] = [
  {
    rule: 'prompt or input audio is needed',
    params: () => ({ prompt: '  ' }),
    field: 'prompt',
    message: /Give a prompt or a melody/,
  },
  {
    rule: 'continuation needs input audio',
    params: () => ({ prompt: 'x', continuation: true }),
    field: 'continuation',
    message: /Continue input audio needs audio to continue/,
  },
  {
    rule: 'melody mode needs a melody model',
    params: () => ({ prompt: 'x', model_version: 'large', input_audio: audio() }),
    field: 'model_version',
    message: /cannot follow a melody/,
  },
  {
    rule: 'multi-band diffusion is mono only',
    params: () => ({ prompt: 'x', model_version: 'stereo-large', multi_band_diffusion: true }),
    field: 'multi_band_diffusion',
    message: /Multi-band diffusion does not work with the stereo/,
  },
  {
    rule: 'slice start after its end',
    params: () => ({
      prompt: 'x',
      input_audio: audio(),
      continuation: true,
      continuation_start: 2,
      continuation_end: 1,
    }),
    field: 'continuation_start',
    message: /Slice start .* must not be after Slice end/,
  },
  {
    rule: 'slice selects nothing',
    params: () => ({ prompt: 'x', input_audio: audio(), continuation_start: 5 }),
    field: 'continuation_start',
    message: /selects nothing/,
  },
  {
    rule: 'conditioning slice not shorter than the duration',
    params: () => ({ prompt: 'x', input_audio: audio(), continuation: true, duration: 3 }),
    field: 'duration',
    message: /must be longer than the audio it continues/,
  },
  {
    rule: 'duration range',
    params: () => ({ prompt: 'x', duration: 601 }),
    field: 'duration',
    message: /Duration must be a whole number from 1 to 600/,
  },
  {
    rule: 'whole seconds',
    params: () => ({ prompt: 'x', duration: 2.5 }),
    field: 'duration',
    message: /whole number/,
  },
  {
    rule: 'model offered by the provider',
    params: () => ({ prompt: 'x', model_version: 'small' }),
    field: 'model_version',
    message: /does not offer the Small \(older\) model/,
  },
  {
    rule: 'model name',
    params: () => ({ prompt: 'x', model_version: 'huge' }),
    field: 'model_version',
    message: /must be one of/,
  },
  {
    rule: 'normalization strategy',
    params: () => ({ prompt: 'x', normalization_strategy: 'loud' }),
    field: 'normalization_strategy',
    message: /must be one of/,
  },
  {
    rule: 'top_k range',
    params: () => ({ prompt: 'x', top_k: 5000 }),
    field: 'top_k',
    message: /Top-k/,
  },
  {
    rule: 'top_p range',
    params: () => ({ prompt: 'x', top_p: 1.5 }),
    field: 'top_p',
    message: /Top-p/,
  },
  {
    rule: 'temperature range',
    params: () => ({ prompt: 'x', temperature: -1 }),
    field: 'temperature',
    message: /Temperature/,
  },
  {
    rule: 'Replicate guidance is an integer',
    params: () => ({ prompt: 'x', classifier_free_guidance: 2.5 }),
    field: 'classifier_free_guidance',
    message: /whole number.*Replicate/,
  },
  {
    rule: 'guidance range',
    provider: 'scenario',
    params: () => ({ prompt: 'x', classifier_free_guidance: 11 }),
    field: 'classifier_free_guidance',
    message: /from 0 to 10 on Scenario/,
  },
  {
    rule: 'output format',
    params: () => ({ prompt: 'x', output_format: 'ogg' }),
    field: 'output_format',
    message: /must be one of WAV, MP3/,
  },
  {
    rule: 'seed range (0 would mean random)',
    params: () => ({ prompt: 'x', seed: 0 }),
    field: 'seed',
    message: /Seed must be a whole number from 1/,
  },
  {
    rule: 'Scenario has no top_k',
    provider: 'scenario',
    params: () => ({ prompt: 'x', top_k: 50 }),
    field: 'top_k',
    message: /Scenario does not take Top-k/,
  },
  {
    rule: 'Scenario has no top_p',
    provider: 'scenario',
    params: () => ({ prompt: 'x', top_p: 0.9 }),
    field: 'top_p',
    message: /Scenario does not take Top-p/,
  },
  {
    rule: 'Scenario has no output_format',
    provider: 'scenario',
    params: () => ({ prompt: 'x', output_format: 'mp3' }),
    field: 'output_format',
    message: /Scenario does not take Output format/,
  },
  {
    rule: 'unknown parameter',
    params: () => ({ prompt: 'x', guidance: 3 }),
    field: 'guidance',
    message: /unknown parameter guidance/,
  },
]

function sentNothing(): void {
  expect(replicate.state.created).toBe(0)
  expect(replicate.state.requests).toEqual([])
  expect(scenario.state.created).toBe(0)
  expect(scenario.state.requests).toEqual([])
}

describe('generations.create rejects before anything is queued or sent', () => {
  it.each(CASES)('$rule → invalid_input on $field', async (c) => {
    const result = await core.dispatch('generations.create', {
      projectId,
      provider: c.provider ?? 'replicate',
      params: c.params(),
      takes: 2,
    })
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', field: c.field } })
    if (!result.ok) expect(result.error.message).toMatch(c.message)
    expect((await core.call('generations.list', { projectId })).total).toBe(0)
    sentNothing()
  })

  it('lists every problem in the message, the first one as the field', async () => {
    const result = await core.dispatch('generations.create', {
      projectId,
      provider: 'scenario',
      params: { prompt: '', top_k: 3, duration: 99 },
    })
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'prompt' } })
    if (!result.ok) expect(result.error.message).toMatch(/prompt.*Duration.*Top-k/)
    sentNothing()
  })

  it.each([
    { provider: 'replicate' as const, message: 'No Replicate API token: set it in Settings' },
    {
      provider: 'scenario' as const,
      message: 'No Scenario API key and secret: set them in Settings',
    },
  ])('refuses without a key for $provider', async ({ provider, message }) => {
    const keyless = await startJobsCore(tempDir(), {
      replicate: replicate.url,
      scenario: scenario.url,
      keys: false,
    })
    const project = await keyless.call('projects.create', { name: 'No keys' })
    const result = await keyless.dispatch('generations.create', {
      projectId: project.id,
      provider,
      params: { prompt: 'x' },
    })
    expect(result).toEqual({
      ok: false,
      error: { code: 'invalid_input', message, field: 'provider' },
    })
    expect((await keyless.call('generations.list', { projectId: project.id })).total).toBe(0)
    keyless.close()
    sentNothing()
  })

  it('answers not_found for an unknown project, track or input asset', async () => {
    const missing = randomUUID()
    const base = { provider: 'replicate' as const, params: { prompt: 'x' } }
    expect(
      await core.dispatch('generations.create', { ...base, projectId: missing }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(
      await core.dispatch('generations.create', { ...base, projectId, trackId: missing }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(
      await core.dispatch('generations.create', {
        ...base,
        projectId,
        params: { prompt: 'x', input_audio: { assetId: missing } },
      }),
    ).toMatchObject({ ok: false, error: { code: 'not_found', field: 'input_audio' } })
    expect(await core.dispatch('generations.get', { generationId: missing })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    })
    sentNothing()
  })

  it('estimates: typical seconds for Replicate, a Scenario dry run that creates nothing', async () => {
    const r = await core.call('generations.estimate', {
      provider: 'replicate',
      params: { prompt: 'x', duration: 10 },
    })
    expect(r.typicalSeconds).toBeGreaterThan(0)
    const s = await core.call('generations.estimate', {
      provider: 'scenario',
      params: { prompt: 'x', duration: 10 },
    })
    expect(s.creativeUnits).toBe(5)
    expect(scenario.state.dryRuns).toBe(1)
    expect(scenario.state.created).toBe(0)
    const bad = await core.dispatch('generations.estimate', {
      provider: 'scenario',
      params: { prompt: 'x', top_p: 0.5 },
    })
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'top_p' } })
    scenario.state.requests.length = 0
    scenario.state.dryRuns = 0
  })
})
