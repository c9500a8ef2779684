// The body of Scenario's generate call (camelCase; no topK, topP or outputFormat). Maps only:
// assertSendable checks first.
import type {
  ModelVersion,
  NormalizationStrategy,
  ResolvedMusicgenParams,
} from '../../../../shared/musicgen'

export interface ScenarioInput {
  modelVersion: ModelVersion
  prompt?: string
  inputAudio?: string
  duration: number
  continuation: boolean
  continuationStart: number
  continuationEnd?: number
  multiBandDiffusion: boolean
  normalizationStrategy: NormalizationStrategy
  temperature: number
  classifierFreeGuidance: number
  seed: number
}

/** assetId: the uploaded input_audio asset (absent for a cost preview). */
export function toScenarioInput(params: ResolvedMusicgenParams, assetId?: string): ScenarioInput {
  const input: ScenarioInput = {
    modelVersion: params.model_version,
    duration: params.duration,
    continuation: params.continuation,
    continuationStart: params.continuation_start,
    multiBandDiffusion: params.multi_band_diffusion,
    normalizationStrategy: params.normalization_strategy,
    temperature: params.temperature,
    classifierFreeGuidance: params.classifier_free_guidance,
    seed: params.seed,
  }
  if (params.prompt.trim() !== '') input.prompt = params.prompt
  if (assetId !== undefined) input.inputAudio = assetId
  if (params.continuation_end !== null) input.continuationEnd = params.continuation_end
  return input
}
