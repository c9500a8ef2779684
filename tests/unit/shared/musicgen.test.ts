import { describe, it, expect } from 'vitest'
import {
  CURRENT_MODEL_VERSIONS,
  MODEL_CAPABILITIES,
  MODEL_VERSIONS,
  MUSICGEN_DEFAULTS,
  PARAM_KEYS,
  PARAM_SPECS,
  PROVIDERS,
  PROVIDER_CAPABILITIES,
  SEED_MAX,
  outputChannels,
  paramSpecsFor,
  parseSeedFromLogs,
  parseTokenProgress,
  providerTakes,
  randomSeed,
  resolveSeed,
  validate,
  withDefaults,
} from '../../../src/shared/musicgen'
import type { MusicgenParams, ParamKey, Problem, Provider } from '../../../src/shared/musicgen'

const audio = (seconds: number) => ({ assetId: 'asset-1', seconds })

// Lets a case put a wrongly typed value where a parameter goes, as IPC or an old row might.
function params(overrides: Record<string, unknown>): MusicgenParams {
  return { ...MUSICGEN_DEFAULTS, prompt: 'lofi piano', ...overrides }
}

function codes(problems: Problem[]): string[] {
  return problems.map((p) => `${p.field}:${p.code}`).sort()
}

describe('defaults and tables', () => {
  it('defaults match providers.md', () => {
    expect(MUSICGEN_DEFAULTS).toEqual({
      prompt: '',
      model_version: 'stereo-melody-large',
      input_audio: null,
      duration: 8,
      continuation: false,
      continuation_start: 0,
      continuation_end: null,
      multi_band_diffusion: false,
      normalization_strategy: 'loudness',
      top_k: 250,
      top_p: 0,
      temperature: 1,
      classifier_free_guidance: 3,
      output_format: 'wav',
      seed: null,
    })
  })

  it('withDefaults fills missing parameters', () => {
    expect(withDefaults({ prompt: 'x', duration: 12 })).toEqual({
      ...MUSICGEN_DEFAULTS,
      prompt: 'x',
      duration: 12,
    })
  })

  it('describes every parameter once, with its default', () => {
    expect(PARAM_SPECS.map((s) => s.key).sort()).toEqual([...PARAM_KEYS].sort())
    for (const spec of PARAM_SPECS) {
      expect(spec.default).toEqual(MUSICGEN_DEFAULTS[spec.key])
      expect(spec.label).not.toBe('')
      expect(spec.help).not.toBe('')
    }
  })

  it.each([
    ['stereo-melody-large', 2, true, false],
    ['stereo-large', 2, false, false],
    ['melody-large', 1, true, false],
    ['large', 1, false, false],
    ['melody', 1, true, true],
    ['medium', 1, false, true],
    ['small', 1, false, true],
  ] as const)('model %s: %i channels, melody %s, legacy %s', (model, channels, melody, legacy) => {
    expect(MODEL_CAPABILITIES[model]).toMatchObject({ channels, melody, legacy })
    expect(MODEL_CAPABILITIES[model].stereo).toBe(channels === 2)
    expect(outputChannels(model)).toBe(channels)
  })

  it('covers every model version', () => {
    expect(Object.keys(MODEL_CAPABILITIES).sort()).toEqual([...MODEL_VERSIONS].sort())
  })

  it.each(PROVIDERS.filter((p) => p !== 'local'))(
    '%s offers the four current models',
    (provider) => {
      expect(PROVIDER_CAPABILITIES[provider].modelVersions).toEqual(CURRENT_MODEL_VERSIONS)
    },
  )

  it.each([
    ['replicate', 600],
    ['cog', 600],
    ['scenario', 30],
  ] as const)('%s takes durations of 1..%d s (the model has no 30 s limit)', (p, max) => {
    expect(PROVIDER_CAPABILITIES[p].duration).toEqual({ min: 1, max, integer: true })
  })

  it('local runs MusicGen small, text or continuation, durations 1..30', () => {
    const caps = PROVIDER_CAPABILITIES.local
    expect(caps.modelVersions).toEqual(['small'])
    expect(caps.duration).toMatchObject({ min: 1, max: 30, integer: true })
    for (const key of ['output_format', 'multi_band_diffusion'] as const) {
      expect(providerTakes('local', key)).toBe(false)
    }
    const continuing = ['input_audio', 'continuation', 'continuation_start', 'continuation_end']
    for (const key of continuing as ParamKey[]) expect(providerTakes('local', key)).toBe(true)
  })

  it.each([
    ['replicate', true, true],
    ['cog', true, true],
    ['scenario', false, true],
  ] as const)('%s: takes top_k/top_p/output_format %s, integer guidance %s', (p, takes, int) => {
    for (const key of ['top_k', 'top_p', 'output_format'] as const) {
      expect(providerTakes(p, key)).toBe(takes)
    }
    expect(PROVIDER_CAPABILITIES[p].classifierFreeGuidance).toMatchObject({
      min: 0,
      max: 10,
      integer: int,
    })
  })

  it('adapts the description table to a provider', () => {
    const scenario = paramSpecsFor('scenario')
    const replicate = paramSpecsFor('replicate')
    const byKey = (specs: typeof scenario, key: string) => specs.find((s) => s.key === key)
    expect(byKey(scenario, 'top_k')?.supported).toBe(false)
    expect(byKey(scenario, 'output_format')?.supported).toBe(false)
    expect(byKey(scenario, 'temperature')?.supported).toBe(true)
    expect(byKey(scenario, 'classifier_free_guidance')).toMatchObject({
      kind: 'integer',
      max: 10,
      step: 1,
    })
    expect(byKey(scenario, 'duration')).toMatchObject({ max: 30 })
    expect(byKey(replicate, 'duration')).toMatchObject({ max: 600 })
    expect(byKey(replicate, 'classifier_free_guidance')).toMatchObject({ kind: 'integer', step: 1 })
    expect(byKey(replicate, 'top_k')?.supported).toBe(true)
    expect(byKey(replicate, 'model_version')?.options?.map((o) => o.value)).toEqual(
      CURRENT_MODEL_VERSIONS,
    )
  })
})

interface Case {
  name: string
  provider?: Provider
  overrides: Record<string, unknown>
  expected: string[]
}

const CASES: Case[] = [
  // valid
  { name: 'defaults with a prompt', overrides: {}, expected: [] },
  { name: 'melody mode on a melody model', overrides: { input_audio: audio(10) }, expected: [] },
  {
    name: 'audio without a prompt',
    overrides: { prompt: '', input_audio: audio(10), model_version: 'melody-large' },
    expected: [],
  },
  {
    name: 'continuation on a non-melody model',
    overrides: { input_audio: audio(4), continuation: true, model_version: 'large' },
    expected: [],
  },
  {
    name: 'mono model with multi-band diffusion',
    overrides: { model_version: 'melody-large', multi_band_diffusion: true },
    expected: [],
  },
  {
    name: 'boundary values',
    overrides: { duration: 30, top_k: 0, top_p: 1, seed: 1 },
    expected: [],
  },
  { name: 'greedy and hot', overrides: { temperature: 0, top_k: 2048 }, expected: [] },
  { name: 'largest seed', overrides: { seed: SEED_MAX }, expected: [] },
  {
    name: 'start/end ignored without audio',
    overrides: { continuation_start: 9, continuation_end: 2 },
    expected: [],
  },

  // prompt and audio
  {
    name: 'no prompt, no audio',
    overrides: { prompt: '' },
    expected: ['prompt:prompt_or_audio_required'],
  },
  {
    name: 'blank prompt',
    overrides: { prompt: '  \n' },
    expected: ['prompt:prompt_or_audio_required'],
  },
  { name: 'prompt not text', overrides: { prompt: 5 }, expected: ['prompt:wrong_type'] },
  {
    name: 'input audio without length',
    overrides: { input_audio: { assetId: 'a', seconds: 0 } },
    expected: ['input_audio:wrong_type'],
  },
  {
    name: 'input audio without asset id',
    overrides: { input_audio: { assetId: '', seconds: 3 }, continuation: true },
    expected: ['input_audio:wrong_type'],
  },

  // continuation and melody
  {
    name: 'continuation without audio',
    overrides: { continuation: true },
    expected: ['continuation:continuation_without_audio'],
  },
  {
    name: 'continuation without audio or prompt',
    overrides: { continuation: true, prompt: '' },
    expected: ['continuation:continuation_without_audio', 'prompt:prompt_or_audio_required'],
  },
  {
    name: 'melody on large',
    overrides: { input_audio: audio(10), model_version: 'large' },
    expected: ['model_version:melody_unsupported'],
  },
  {
    name: 'melody on stereo-large',
    overrides: { input_audio: audio(10), model_version: 'stereo-large' },
    expected: ['model_version:melody_unsupported'],
  },
  {
    name: 'continuation not boolean',
    overrides: { continuation: 'yes' },
    expected: ['continuation:wrong_type'],
  },

  // multi-band diffusion
  {
    name: 'mbd on stereo-melody-large',
    overrides: { multi_band_diffusion: true },
    expected: ['multi_band_diffusion:mbd_stereo'],
  },
  {
    name: 'mbd on stereo-large',
    overrides: { multi_band_diffusion: true, model_version: 'stereo-large' },
    expected: ['multi_band_diffusion:mbd_stereo'],
  },
  {
    name: 'mbd not boolean',
    overrides: { multi_band_diffusion: 1 },
    expected: ['multi_band_diffusion:wrong_type'],
  },

  // the slice
  {
    name: 'start after end',
    overrides: { input_audio: audio(10), continuation_start: 5, continuation_end: 3 },
    expected: ['continuation_start:start_after_end'],
  },
  {
    name: 'empty slice (start at end)',
    overrides: { input_audio: audio(10), continuation_start: 3, continuation_end: 3 },
    expected: ['continuation_start:slice_empty'],
  },
  {
    name: 'empty slice (start past audio)',
    overrides: { input_audio: audio(10), continuation_start: 10, continuation: true },
    expected: ['continuation_start:slice_empty'],
  },
  {
    name: 'whole clip longer than duration',
    overrides: { input_audio: audio(10), continuation: true, duration: 8 },
    expected: ['duration:slice_too_long'],
  },
  {
    name: 'slice as long as duration',
    overrides: { input_audio: audio(10), continuation: true, duration: 10 },
    expected: ['duration:slice_too_long'],
  },
  {
    name: 'end past the audio is clipped to it',
    overrides: { input_audio: audio(10), continuation: true, duration: 10, continuation_end: 20 },
    expected: ['duration:slice_too_long'],
  },
  {
    name: 'slice shorter than duration',
    overrides: { input_audio: audio(10), continuation: true, duration: 11 },
    expected: [],
  },
  {
    name: 'slice cut by start',
    overrides: { input_audio: audio(10), continuation: true, continuation_start: 4 },
    expected: [],
  },
  {
    name: 'slice cut by end',
    overrides: { input_audio: audio(10), continuation: true, continuation_end: 7 },
    expected: [],
  },
  {
    name: 'slice against the 30 s window',
    overrides: { input_audio: audio(40), continuation: true, duration: 30, continuation_start: 10 },
    expected: ['duration:slice_too_long'],
  },
  {
    name: 'slice under the 30 s window',
    overrides: { input_audio: audio(40), continuation: true, duration: 30, continuation_start: 12 },
    expected: [],
  },
  {
    name: 'long melody reference is fine',
    overrides: { input_audio: audio(40), duration: 8 },
    expected: [],
  },

  // ranges and types
  { name: 'duration 0', overrides: { duration: 0 }, expected: ['duration:out_of_range'] },
  { name: 'duration 31 on Replicate', overrides: { duration: 31 }, expected: [] },
  { name: 'duration 240 on Cog', provider: 'cog', overrides: { duration: 240 }, expected: [] },
  {
    name: 'duration 31 on Scenario',
    provider: 'scenario',
    overrides: { duration: 31 },
    expected: ['duration:out_of_range'],
  },
  { name: 'duration 601', overrides: { duration: 601 }, expected: ['duration:out_of_range'] },
  {
    name: 'long continuation: the slice still fits the 30 s window',
    overrides: { input_audio: audio(40), continuation: true, duration: 90, continuation_start: 11 },
    expected: [],
  },
  {
    name: 'long continuation: a slice of 30 s is too long even for 90 s',
    overrides: { input_audio: audio(40), continuation: true, duration: 90, continuation_start: 10 },
    expected: ['duration:slice_too_long'],
  },
  {
    name: 'continuation with a non-melody model on Scenario',
    provider: 'scenario',
    overrides: { input_audio: audio(4), continuation: true, model_version: 'stereo-large' },
    expected: ['model_version:audio_needs_melody_model'],
  },
  {
    name: 'continuation with a non-melody model on Replicate',
    overrides: { input_audio: audio(4), continuation: true, model_version: 'stereo-large' },
    expected: [],
  },
  {
    name: 'continuation with a melody model on Scenario',
    provider: 'scenario',
    overrides: { input_audio: audio(4), continuation: true, model_version: 'melody-large' },
    expected: [],
  },
  { name: 'duration 8.5', overrides: { duration: 8.5 }, expected: ['duration:not_integer'] },
  { name: 'duration NaN', overrides: { duration: Number.NaN }, expected: ['duration:wrong_type'] },
  { name: 'duration text', overrides: { duration: '8' }, expected: ['duration:wrong_type'] },
  {
    name: 'start negative',
    overrides: { input_audio: audio(10), continuation_start: -1 },
    expected: ['continuation_start:out_of_range'],
  },
  {
    name: 'start fractional',
    overrides: { input_audio: audio(10), continuation_start: 1.5 },
    expected: ['continuation_start:not_integer'],
  },
  {
    name: 'end -1 is rejected, not sent',
    overrides: { input_audio: audio(10), continuation_end: -1 },
    expected: ['continuation_end:out_of_range'],
  },
  {
    name: 'end fractional',
    overrides: { input_audio: audio(10), continuation_end: 2.5 },
    expected: ['continuation_end:not_integer'],
  },
  { name: 'top_k negative', overrides: { top_k: -1 }, expected: ['top_k:out_of_range'] },
  { name: 'top_k too large', overrides: { top_k: 2049 }, expected: ['top_k:out_of_range'] },
  { name: 'top_k fractional', overrides: { top_k: 1.5 }, expected: ['top_k:not_integer'] },
  { name: 'top_p above 1', overrides: { top_p: 1.1 }, expected: ['top_p:out_of_range'] },
  { name: 'top_p negative', overrides: { top_p: -0.1 }, expected: ['top_p:out_of_range'] },
  {
    name: 'temperature negative',
    overrides: { temperature: -0.1 },
    expected: ['temperature:out_of_range'],
  },
  {
    name: 'temperature infinite',
    overrides: { temperature: Infinity },
    expected: ['temperature:wrong_type'],
  },
  {
    name: 'fractional cfg on Replicate',
    provider: 'replicate',
    overrides: { classifier_free_guidance: 3.5 },
    expected: ['classifier_free_guidance:not_integer'],
  },
  {
    name: 'fractional cfg on Cog',
    provider: 'cog',
    overrides: { classifier_free_guidance: 2.5 },
    expected: ['classifier_free_guidance:not_integer'],
  },
  {
    name: 'fractional cfg on Scenario (the model takes an integer)',
    provider: 'scenario',
    overrides: { classifier_free_guidance: 3.5 },
    expected: ['classifier_free_guidance:not_integer'],
  },
  {
    name: 'cfg above 10 on Scenario',
    provider: 'scenario',
    overrides: { classifier_free_guidance: 11 },
    expected: ['classifier_free_guidance:out_of_range'],
  },
  {
    name: 'cfg above 10 on Replicate',
    overrides: { classifier_free_guidance: 11 },
    expected: ['classifier_free_guidance:out_of_range'],
  },
  {
    name: 'cfg negative',
    overrides: { classifier_free_guidance: -1 },
    expected: ['classifier_free_guidance:out_of_range'],
  },
  { name: 'seed 0 (means random)', overrides: { seed: 0 }, expected: ['seed:out_of_range'] },
  { name: 'seed -1 (means random)', overrides: { seed: -1 }, expected: ['seed:out_of_range'] },
  { name: 'seed too large', overrides: { seed: SEED_MAX + 1 }, expected: ['seed:out_of_range'] },
  { name: 'seed fractional', overrides: { seed: 1.5 }, expected: ['seed:not_integer'] },
  { name: 'seed text', overrides: { seed: '7' }, expected: ['seed:wrong_type'] },
  {
    name: 'unknown normalization',
    overrides: { normalization_strategy: 'loud' },
    expected: ['normalization_strategy:not_allowed'],
  },
  {
    name: 'unknown format',
    overrides: { output_format: 'flac' },
    expected: ['output_format:not_allowed'],
  },
  {
    name: 'unknown model',
    overrides: { model_version: 'huge' },
    expected: ['model_version:not_allowed'],
  },

  // provider support
  {
    name: 'Scenario with top_k',
    provider: 'scenario',
    overrides: { top_k: 100 },
    expected: ['top_k:unsupported_param'],
  },
  {
    name: 'Scenario with an out-of-range top_k reports it once',
    provider: 'scenario',
    overrides: { top_k: -5 },
    expected: ['top_k:unsupported_param'],
  },
  {
    name: 'Scenario with top_p',
    provider: 'scenario',
    overrides: { top_p: 0.9 },
    expected: ['top_p:unsupported_param'],
  },
  {
    name: 'Scenario with mp3',
    provider: 'scenario',
    overrides: { output_format: 'mp3' },
    expected: ['output_format:unsupported_param'],
  },
  {
    name: 'Scenario with all three',
    provider: 'scenario',
    overrides: { top_k: 1, top_p: 0.5, output_format: 'mp3' },
    expected: [
      'output_format:unsupported_param',
      'top_k:unsupported_param',
      'top_p:unsupported_param',
    ],
  },
  { name: 'Scenario with defaults', provider: 'scenario', overrides: {}, expected: [] },
  {
    name: 'Cog with mp3 and top_p',
    provider: 'cog',
    overrides: { output_format: 'mp3', top_p: 0.9 },
    expected: [],
  },
  {
    name: 'Replicate with an older model',
    provider: 'replicate',
    overrides: { model_version: 'medium' },
    expected: ['model_version:model_unavailable'],
  },
  {
    name: 'Scenario with an older model',
    provider: 'scenario',
    overrides: { model_version: 'small' },
    expected: ['model_version:model_unavailable'],
  },
  {
    name: 'Cog with an older melody model',
    provider: 'cog',
    overrides: { model_version: 'melody', input_audio: audio(5) },
    expected: ['model_version:model_unavailable'],
  },
  {
    name: 'unknown provider',
    provider: 'suno' as Provider,
    overrides: {},
    expected: ['provider:unknown_provider'],
  },

  // several at once
  {
    name: 'every problem is reported',
    provider: 'scenario',
    overrides: {
      prompt: '',
      continuation: true,
      multi_band_diffusion: true,
      duration: 40,
      top_k: 10,
      temperature: -1,
      seed: 0,
    },
    expected: [
      'continuation:continuation_without_audio',
      'duration:out_of_range',
      'multi_band_diffusion:mbd_stereo',
      'prompt:prompt_or_audio_required',
      'seed:out_of_range',
      'temperature:out_of_range',
      'top_k:unsupported_param',
    ],
  },
]

describe('validate', () => {
  it.each(CASES)('$name', ({ provider = 'replicate', overrides, expected }) => {
    const problems = validate(params(overrides), provider)
    expect(codes(problems)).toEqual([...expected].sort())
    for (const problem of problems) {
      // Messages speak the form's words, never the API's field names.
      expect(problem.message).not.toMatch(/\b[a-z]+_[a-z_]+\b/)
      expect(problem.message.length).toBeLessThan(140)
    }
  })

  it.each(PROVIDERS.filter((p) => p !== 'local'))(
    'accepts the defaults with a prompt on %s',
    (provider) => {
      expect(validate(params({}), provider)).toEqual([])
    },
  )

  it('accepts the defaults with a prompt on local once the model is small, and names it otherwise', () => {
    expect(validate(params({ model_version: 'small' }), 'local')).toEqual([])
    expect(validate(params({}), 'local').map((p) => p.field)).toEqual(['model_version'])
  })

  it('local continues input audio within 30 s that include it, and follows no melody', () => {
    const small = { model_version: 'small' as const }
    const continuing = { ...small, input_audio: audio(10), continuation: true }
    expect(validate(params({ ...continuing, duration: 30 }), 'local')).toEqual([])
    expect(validate(params({ ...continuing, duration: 10 }), 'local')).toEqual([
      {
        field: 'duration',
        code: 'slice_too_long',
        message: 'Duration (10 s) must be longer than the audio it continues (10 s)',
      },
    ])
    expect(validate(params({ ...continuing, duration: 31 }), 'local')).toEqual([
      expect.objectContaining({ field: 'duration', code: 'out_of_range' }),
    ])
    expect(validate(params({ ...small, input_audio: audio(10) }), 'local')).toEqual([
      {
        field: 'model_version',
        code: 'melody_unsupported',
        message:
          'This computer cannot follow a melody, only continue audio: turn on Continue input audio',
      },
    ])
  })

  it.each([
    ['scenario', 'top_k', 100, 'Scenario does not take Top-k'],
    ['scenario', 'top_p', 0.5, 'Scenario does not take Top-p'],
    ['scenario', 'output_format', 'mp3', 'Scenario does not take Output format'],
  ] as const)('names the provider: %s %s', (provider, field, value, message) => {
    expect(validate(params({ [field]: value }), provider)).toEqual([
      { field, code: 'unsupported_param', message },
    ])
  })

  it('gives readable messages', () => {
    expect(validate(params({ duration: 31 }), 'scenario')[0]?.message).toBe(
      'Duration must be a whole number from 1 to 30 seconds',
    )
    expect(validate(params({ duration: 601 }), 'replicate')[0]?.message).toBe(
      'Duration must be a whole number from 1 to 600 seconds',
    )
    expect(
      validate(
        params({ input_audio: audio(4), continuation: true, model_version: 'large' }),
        'scenario',
      )[0]?.message,
    ).toBe(
      'Scenario continues input audio only with melody models: choose the Melody Large or Stereo Melody Large model',
    )
    expect(
      validate(params({ input_audio: audio(10), continuation: true }), 'cog')[0]?.message,
    ).toBe('Duration (8 s) must be longer than the audio it continues (10 s)')
    expect(validate(params({ classifier_free_guidance: 2.5 }), 'replicate')[0]?.message).toBe(
      'Guidance must be a whole number from 0 to 10 on Replicate',
    )
    expect(validate(params({ top_p: 2 }), 'replicate')[0]?.message).toBe(
      'Top-p must be a number from 0 to 1',
    )
    expect(validate(params({ prompt: '' }), 'replicate')[0]?.message).toBe(
      'Give a prompt or a melody',
    )
  })
})

describe('seeds', () => {
  it.each([
    [0, 1],
    [0.5, 2_147_483_648],
    [0.999_999_999_999, SEED_MAX],
    [1, SEED_MAX],
    [Number.NaN, 1],
  ])('randomSeed(() => %d) = %d', (r, expected) => {
    expect(randomSeed(() => r)).toBe(expected)
  })

  it('randomSeed stays non-zero and in range', () => {
    for (let i = 0; i < 1000; i++) {
      const seed = randomSeed(Math.random)
      expect(Number.isInteger(seed)).toBe(true)
      expect(seed).toBeGreaterThanOrEqual(1)
      expect(seed).toBeLessThanOrEqual(SEED_MAX)
      expect(validate(params({ seed }), 'scenario')).toEqual([])
    }
  })

  it('resolveSeed keeps a chosen seed and fills a random one', () => {
    expect(resolveSeed(params({ seed: 7 }), () => 0.5).seed).toBe(7)
    expect(resolveSeed(params({ seed: null }), () => 0).seed).toBe(1)
  })

  it.each([
    ['Using seed 1234\n', 1234],
    ['Loading model stereo-melody-large...\nUsing seed 3999999999\n   10 /  400\r', 3_999_999_999],
    ['Using seed 1\nUsing seed 2\n', 2],
    ['Using seed -1\n', null],
    ['no seed here', null],
    ['', null],
    [null, null],
    [undefined, null],
  ])('parseSeedFromLogs(%j) = %j', (logs, expected) => {
    expect(parseSeedFromLogs(logs)).toBe(expected)
  })
})

describe('token progress', () => {
  it.each([
    ['     1 /    400\r     2 /    400\r   200 /    400\r', { done: 200, total: 400 }],
    ['Using seed 5\n   123 /   1500', { done: 123, total: 1500 }],
    ['  1500 /   1500\rdone\n', { done: 1500, total: 1500 }],
    ['123456 / 200000\r', { done: 123456, total: 200000 }],
    ['   10 /  400\r  500 /  400\r', { done: 10, total: 400 }],
    ['date 2024/01/02 and 1/2 and 3 / 0', null],
    ['https://example.test/a/1 / 2', null],
    ['Using seed 5\nLoading model', null],
    ['', null],
    [null, null],
  ])('parseTokenProgress(%j) = %j', (logs, expected) => {
    expect(parseTokenProgress(logs)).toEqual(expected)
  })
})
