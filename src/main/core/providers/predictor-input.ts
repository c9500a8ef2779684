// The `input` of the MusicGen Cog predictor (replicate/cog-musicgen predict.py), which Replicate
// and a local Cog container both run. Maps only: assertSendable checks first.
import {
  MAX_WINDOW_SECONDS,
  MODEL_CAPABILITIES,
  type ModelVersion,
  type NormalizationStrategy,
  type OutputFormat,
  type ResolvedMusicgenParams,
  WINDOW_STRIDE_SECONDS,
} from '../../../shared/musicgen'

export interface PredictorInput {
  prompt?: string
  model_version: ModelVersion
  input_audio?: string
  duration: number
  continuation: boolean
  continuation_start: number
  continuation_end?: number
  multi_band_diffusion: boolean
  normalization_strategy: NormalizationStrategy
  top_k: number
  top_p: number
  temperature: number
  classifier_free_guidance: number
  output_format: OutputFormat
  seed: number
}

/** audioUrl: a data: or http(s) URL of input_audio. */
export function toPredictorInput(
  params: ResolvedMusicgenParams,
  audioUrl: string | undefined,
): PredictorInput {
  const input: PredictorInput = {
    model_version: params.model_version,
    duration: params.duration,
    continuation: params.continuation,
    continuation_start: params.continuation_start,
    multi_band_diffusion: params.multi_band_diffusion,
    normalization_strategy: params.normalization_strategy,
    top_k: params.top_k,
    top_p: params.top_p,
    temperature: params.temperature,
    classifier_free_guidance: params.classifier_free_guidance,
    output_format: params.output_format,
    seed: params.seed,
  }
  if (params.prompt.trim() !== '') input.prompt = params.prompt
  if (audioUrl !== undefined) input.input_audio = audioUrl
  // Absent means "to the end": the schema rejects -1 despite its description.
  if (params.continuation_end !== null) input.continuation_end = params.continuation_end
  return input
}

/** Windows audiocraft generates: the first 30 s, then one more per 18 s stride. */
export function windowsFor(duration: number): number {
  if (duration <= MAX_WINDOW_SECONDS) return 1
  return 1 + Math.ceil((duration - MAX_WINDOW_SECONDS) / WINDOW_STRIDE_SECONDS)
}

/**
 * A rough typical run time of the predictor for these params, in seconds: it grows with the
 * duration (every second is generated), with each extra window (its 12 s prompt is encoded
 * again), with stereo and with MultiBand Diffusion. `startup`: the provider's own overhead.
 */
export function typicalPredictSeconds(params: ResolvedMusicgenParams, startup: number): number {
  const perSecond = MODEL_CAPABILITIES[params.model_version].stereo ? 2.4 : 1.6
  const mbd = params.multi_band_diffusion ? 1.5 : 1
  const windows = windowsFor(params.duration)
  return Math.round(startup + params.duration * perSecond * mbd + (windows - 1) * 3)
}
