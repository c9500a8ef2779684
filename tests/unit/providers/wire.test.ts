import { describe, expect, it } from 'vitest'
import { toPredictorInput } from '../../../src/main/core/providers/predictor-input'
import { toScenarioInput } from '../../../src/main/core/providers/scenario/wire'
import { assertSendable } from '../../../src/main/core/providers/sendable'
import {
  InvalidParamsError,
  MUSICGEN_DEFAULTS,
  type MusicgenParams,
  type ResolvedMusicgenParams,
} from '../../../src/shared/musicgen'

const audio = (seconds: number) => ({ assetId: 'asset-1', seconds })

function params(overrides: Record<string, unknown>): MusicgenParams {
  return { ...MUSICGEN_DEFAULTS, prompt: 'lofi piano', ...overrides }
}

function resolved(overrides: Record<string, unknown>): ResolvedMusicgenParams {
  return { ...params(overrides), seed: 42 }
}

describe('wire bodies', () => {
  const base = {
    model_version: 'stereo-melody-large',
    duration: 8,
    continuation: false,
    continuation_start: 0,
    multi_band_diffusion: false,
    normalization_strategy: 'loudness',
    temperature: 1,
    classifier_free_guidance: 3,
    seed: 42,
  }

  it('predictor (Replicate, Cog): prompt only', () => {
    expect(toPredictorInput(resolved({}), undefined)).toEqual({
      ...base,
      prompt: 'lofi piano',
      top_k: 250,
      top_p: 0,
      output_format: 'wav',
    })
  })

  it('predictor (Replicate, Cog): continuation with a URL and an end', () => {
    const body = toPredictorInput(
      resolved({
        input_audio: audio(12),
        continuation: true,
        continuation_start: 4,
        continuation_end: 10,
        duration: 20,
        model_version: 'large',
        multi_band_diffusion: true,
        top_p: 0.9,
        output_format: 'mp3',
      }),
      'data:audio/x-wav;base64,AAAA',
    )
    expect(body).toEqual({
      ...base,
      prompt: 'lofi piano',
      model_version: 'large',
      input_audio: 'data:audio/x-wav;base64,AAAA',
      duration: 20,
      continuation: true,
      continuation_start: 4,
      continuation_end: 10,
      multi_band_diffusion: true,
      top_k: 250,
      top_p: 0.9,
      output_format: 'mp3',
    })
  })

  it('replicate: melody take without prompt leaves out prompt and continuation_end', () => {
    const body = toPredictorInput(
      resolved({ prompt: '', input_audio: audio(10) }),
      'https://example.test/a.wav',
    )
    expect(body).not.toHaveProperty('prompt')
    expect(body).not.toHaveProperty('continuation_end')
    expect(body.input_audio).toBe('https://example.test/a.wav')
    expect(JSON.stringify(body)).not.toContain('-1')
  })

  it('scenario: camelCase, no topK/topP/outputFormat', () => {
    expect(toScenarioInput(resolved({ classifier_free_guidance: 4 }))).toEqual({
      modelVersion: 'stereo-melody-large',
      prompt: 'lofi piano',
      duration: 8,
      continuation: false,
      continuationStart: 0,
      multiBandDiffusion: false,
      normalizationStrategy: 'loudness',
      temperature: 1,
      classifierFreeGuidance: 4,
      seed: 42,
    })
  })

  it('scenario: continuation with an asset id', () => {
    const body = toScenarioInput(
      resolved({ input_audio: audio(6), continuation: true, continuation_end: 5, duration: 15 }),
      'asset_abc',
    )
    expect(body).toMatchObject({
      inputAudio: 'asset_abc',
      continuation: true,
      continuationStart: 0,
      continuationEnd: 5,
      duration: 15,
      seed: 42,
    })
    expect(Object.keys(body)).not.toContain('topK')
  })

  it('scenario: to the end leaves out continuationEnd', () => {
    const body = toScenarioInput(resolved({ input_audio: audio(6), duration: 10 }), 'asset_abc')
    expect(body).not.toHaveProperty('continuationEnd')
  })

  it.each([
    ['invalid params', () => assertSendable(resolved({ top_k: 5 }), 'scenario', false), 'top_k'],
    [
      'no URL for input audio',
      () => assertSendable(resolved({ input_audio: audio(5) }), 'replicate', false),
      'input_audio',
    ],
    ['URL without input audio', () => assertSendable(resolved({}), 'cog', true), 'input_audio'],
    [
      'unresolved seed',
      () => assertSendable({ ...params({}) } as ResolvedMusicgenParams, 'replicate', false),
      'seed',
    ],
    ['zero seed', () => assertSendable({ ...params({}), seed: 0 }, 'cog', false), 'seed'],
    [
      'guidance in half steps (Scenario)',
      () => assertSendable(resolved({ classifier_free_guidance: 4.5 }), 'scenario', false),
      'classifier_free_guidance',
    ],
  ])('refuses to send: %s', (_name, check, field) => {
    expect(check).toThrow(InvalidParamsError)
    try {
      check()
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidParamsError)
      const problems = (e as InvalidParamsError).problems
      expect(problems.map((p) => p.field)).toContain(field)
    }
  })
})
