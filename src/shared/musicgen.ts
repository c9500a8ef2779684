// MusicGen parameters, capabilities and validation, shared by the main process and the renderer.
// Facts come from shared/reference/providers.md, the seeds and replicate/cog-musicgen predict.py.

export const MODEL_VERSIONS = [
  'stereo-melody-large',
  'stereo-large',
  'melody-large',
  'large',
  'melody',
  'medium',
  'small',
] as const
export type ModelVersion = (typeof MODEL_VERSIONS)[number]

/** The versions the pinned Replicate version, Scenario and the Cog predictor accept. */
export const CURRENT_MODEL_VERSIONS = [
  'stereo-melody-large',
  'stereo-large',
  'melody-large',
  'large',
] as const satisfies readonly ModelVersion[]

export const NORMALIZATION_STRATEGIES = ['loudness', 'clip', 'peak', 'rms'] as const
export type NormalizationStrategy = (typeof NORMALIZATION_STRATEGIES)[number]

export const OUTPUT_FORMATS = ['wav', 'mp3'] as const
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]

export const PROVIDERS = ['replicate', 'scenario', 'cog', 'local'] as const
export type Provider = (typeof PROVIDERS)[number]

/** An app asset used as input audio; its length is needed to check the conditioning slice. */
export interface InputAudioRef {
  assetId: string
  seconds: number
}

export interface MusicgenParams {
  /** Empty means no prompt. */
  prompt: string
  model_version: ModelVersion
  input_audio: InputAudioRef | null
  /** Whole seconds. */
  duration: number
  continuation: boolean
  /** Whole seconds into input_audio. */
  continuation_start: number
  /** Whole seconds into input_audio; null means to the end of the clip. */
  continuation_end: number | null
  multi_band_diffusion: boolean
  normalization_strategy: NormalizationStrategy
  top_k: number
  top_p: number
  temperature: number
  classifier_free_guidance: number
  output_format: OutputFormat
  /** null means random: a seed is chosen (resolveSeed) and stored before sending. */
  seed: number | null
}

export type ParamKey = keyof MusicgenParams

/** Params ready to send: the seed is always explicit. */
export type ResolvedMusicgenParams = Omit<MusicgenParams, 'seed'> & { seed: number }

export const PARAM_KEYS = [
  'prompt',
  'model_version',
  'input_audio',
  'duration',
  'continuation',
  'continuation_start',
  'continuation_end',
  'multi_band_diffusion',
  'normalization_strategy',
  'top_k',
  'top_p',
  'temperature',
  'classifier_free_guidance',
  'output_format',
  'seed',
] as const satisfies readonly ParamKey[]

export const MUSICGEN_DEFAULTS: Readonly<MusicgenParams> = Object.freeze({
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

export function withDefaults(partial: Partial<MusicgenParams>): MusicgenParams {
  return { ...MUSICGEN_DEFAULTS, ...partial }
}

/** MusicGen writes 32 kHz audio and its LM runs at 50 tokens per second. */
export const OUTPUT_SAMPLE_RATE = 32_000
export const TOKENS_PER_SECOND = 50
/** The model's window; a continuation slice must be shorter than min(duration, this). */
export const MAX_WINDOW_SECONDS = 30

// predict.py passes the seed to np.random.seed, which takes 0..2^32-1; 0 and -1 mean random.
export const SEED_MIN = 1
export const SEED_MAX = 4_294_967_295

export interface NumericRange {
  min: number
  /** Absent: no upper bound. */
  max?: number
  integer: boolean
}

export const RANGES = {
  duration: { min: 1, max: 30, integer: true },
  continuation_start: { min: 0, integer: true },
  continuation_end: { min: 0, integer: true },
  // The LM samples from 2048 codes per codebook: torch.topk fails above that.
  top_k: { min: 0, max: 2048, integer: true },
  top_p: { min: 0, max: 1, integer: false },
  temperature: { min: 0, integer: false },
  classifier_free_guidance: { min: 0, max: 10, integer: false },
  seed: { min: SEED_MIN, max: SEED_MAX, integer: true },
} as const satisfies Partial<Record<ParamKey, NumericRange>>

// ---------------------------------------------------------------------------------------------
// Capabilities

export interface ModelCapabilities {
  label: string
  stereo: boolean
  /** Output channels: 2 for stereo-* models. */
  channels: 1 | 2
  /** Can follow a melody (input_audio with continuation off). */
  melody: boolean
  /** Older version no current provider accepts; kept to describe old takes. */
  legacy: boolean
}

export const MODEL_CAPABILITIES: Readonly<Record<ModelVersion, ModelCapabilities>> = {
  'stereo-melody-large': {
    label: 'Stereo melody large',
    stereo: true,
    channels: 2,
    melody: true,
    legacy: false,
  },
  'stereo-large': {
    label: 'Stereo large',
    stereo: true,
    channels: 2,
    melody: false,
    legacy: false,
  },
  'melody-large': {
    label: 'Melody large',
    stereo: false,
    channels: 1,
    melody: true,
    legacy: false,
  },
  large: { label: 'Large', stereo: false, channels: 1, melody: false, legacy: false },
  melody: { label: 'Melody (older)', stereo: false, channels: 1, melody: true, legacy: true },
  medium: { label: 'Medium (older)', stereo: false, channels: 1, melody: false, legacy: true },
  small: { label: 'Small (older)', stereo: false, channels: 1, melody: false, legacy: true },
}

export function outputChannels(model: ModelVersion): 1 | 2 {
  return MODEL_CAPABILITIES[model].channels
}

export interface ProviderCapabilities {
  id: Provider
  label: string
  modelVersions: readonly ModelVersion[]
  /** Parameters the provider's API takes; any other set to a non-default value is a problem. */
  params: readonly ParamKey[]
  duration: NumericRange
  classifierFreeGuidance: NumericRange
  seed: NumericRange
}

const SCENARIO_MISSING: readonly ParamKey[] = ['top_k', 'top_p', 'output_format']

export const PROVIDER_CAPABILITIES: Readonly<Record<Provider, ProviderCapabilities>> = {
  replicate: {
    id: 'replicate',
    label: 'Replicate',
    modelVersions: CURRENT_MODEL_VERSIONS,
    params: PARAM_KEYS,
    duration: RANGES.duration,
    classifierFreeGuidance: { min: 0, max: 10, integer: true },
    seed: RANGES.seed,
  },
  scenario: {
    id: 'scenario',
    label: 'Scenario',
    modelVersions: CURRENT_MODEL_VERSIONS,
    params: PARAM_KEYS.filter((k) => !SCENARIO_MISSING.includes(k)),
    duration: RANGES.duration,
    classifierFreeGuidance: { min: 0, max: 10, integer: false },
    seed: RANGES.seed,
  },
  cog: {
    id: 'cog',
    label: 'Local Cog',
    modelVersions: CURRENT_MODEL_VERSIONS,
    params: PARAM_KEYS,
    duration: RANGES.duration,
    classifierFreeGuidance: { min: 0, max: 10, integer: true },
    seed: RANGES.seed,
  },
  // MusicGen small on this machine (src/main/core/providers/local): text to music, mono 32 kHz.
  local: {
    id: 'local',
    label: 'This computer',
    modelVersions: ['small'],
    params: [
      'prompt',
      'model_version',
      'duration',
      'top_k',
      'top_p',
      'temperature',
      'classifier_free_guidance',
      'seed',
    ],
    duration: RANGES.duration,
    classifierFreeGuidance: { min: 0, max: 10, integer: false },
    seed: RANGES.seed,
  },
}

export function isProvider(value: unknown): value is Provider {
  return typeof value === 'string' && (PROVIDERS as readonly string[]).includes(value)
}

export function isModelVersion(value: unknown): value is ModelVersion {
  return typeof value === 'string' && (MODEL_VERSIONS as readonly string[]).includes(value)
}

export function providerTakes(provider: Provider, key: ParamKey): boolean {
  return PROVIDER_CAPABILITIES[provider].params.includes(key)
}

// ---------------------------------------------------------------------------------------------
// Description table for a generic UI

export type ParamGroup = 'basic' | 'advanced'
export type ParamKind = 'text' | 'enum' | 'audio' | 'integer' | 'number' | 'boolean' | 'seed'

export interface ParamOption {
  value: string
  label: string
}

export interface ParamSpec {
  key: ParamKey
  label: string
  group: ParamGroup
  kind: ParamKind
  help: string
  default: MusicgenParams[ParamKey]
  min?: number
  max?: number
  step?: number
  /** Upper end of a slider where the value itself has no upper bound. */
  softMax?: number
  unit?: string
  options?: readonly ParamOption[]
  /** null is allowed; nullLabel says what it means. */
  nullable?: boolean
  nullLabel?: string
}

export interface ProviderParamSpec extends ParamSpec {
  /** False when the provider does not take this parameter: leave it at its default. */
  supported: boolean
}

export const PARAM_SPECS: readonly ParamSpec[] = [
  {
    key: 'prompt',
    label: 'Prompt',
    group: 'basic',
    kind: 'text',
    help: 'A description of the music to generate. Needed unless there is input audio.',
    default: MUSICGEN_DEFAULTS.prompt,
  },
  {
    key: 'model_version',
    label: 'Model',
    group: 'basic',
    kind: 'enum',
    help: 'Stereo models give two channels; melody models can follow the melody of input audio.',
    default: MUSICGEN_DEFAULTS.model_version,
    options: MODEL_VERSIONS.map((v) => ({ value: v, label: MODEL_CAPABILITIES[v].label })),
  },
  {
    key: 'duration',
    label: 'Duration',
    group: 'basic',
    kind: 'integer',
    help: 'Length of the result in seconds. A continuation includes its input slice.',
    default: MUSICGEN_DEFAULTS.duration,
    min: RANGES.duration.min,
    max: RANGES.duration.max,
    step: 1,
    unit: 's',
  },
  {
    key: 'input_audio',
    label: 'Input audio',
    group: 'basic',
    kind: 'audio',
    help: 'Audio to continue, or whose melody to follow (melody models only).',
    default: MUSICGEN_DEFAULTS.input_audio,
    nullable: true,
    nullLabel: 'None',
  },
  {
    key: 'continuation',
    label: 'Continue input audio',
    group: 'basic',
    kind: 'boolean',
    help: 'On: continue the input audio. Off: follow its melody.',
    default: MUSICGEN_DEFAULTS.continuation,
  },
  {
    key: 'seed',
    label: 'Seed',
    group: 'basic',
    kind: 'seed',
    help: 'Same seed and settings give the same take. Empty picks a random seed and stores it.',
    default: MUSICGEN_DEFAULTS.seed,
    min: RANGES.seed.min,
    max: RANGES.seed.max,
    step: 1,
    nullable: true,
    nullLabel: 'Random',
  },
  {
    key: 'continuation_start',
    label: 'Slice start',
    group: 'advanced',
    kind: 'integer',
    help: 'Where the used part of the input audio starts, in whole seconds.',
    default: MUSICGEN_DEFAULTS.continuation_start,
    min: RANGES.continuation_start.min,
    step: 1,
    unit: 's',
  },
  {
    key: 'continuation_end',
    label: 'Slice end',
    group: 'advanced',
    kind: 'integer',
    help: 'Where the used part of the input audio ends, in whole seconds.',
    default: MUSICGEN_DEFAULTS.continuation_end,
    min: RANGES.continuation_end.min,
    step: 1,
    unit: 's',
    nullable: true,
    nullLabel: 'End of clip',
  },
  {
    key: 'multi_band_diffusion',
    label: 'Multi-band diffusion',
    group: 'advanced',
    kind: 'boolean',
    help: 'Decode with MultiBand Diffusion. Mono models only; slower.',
    default: MUSICGEN_DEFAULTS.multi_band_diffusion,
  },
  {
    key: 'normalization_strategy',
    label: 'Normalization',
    group: 'advanced',
    kind: 'enum',
    help: 'How the output level is normalized.',
    default: MUSICGEN_DEFAULTS.normalization_strategy,
    options: [
      { value: 'loudness', label: 'Loudness (-14 LUFS)' },
      { value: 'clip', label: 'Clip (±0.891)' },
      { value: 'peak', label: 'Peak (-1 dBFS)' },
      { value: 'rms', label: 'RMS (-18 dB)' },
    ],
  },
  {
    key: 'top_k',
    label: 'Top-k',
    group: 'advanced',
    kind: 'integer',
    help: 'Sample only from the k most likely tokens. 0 samples from all.',
    default: MUSICGEN_DEFAULTS.top_k,
    min: RANGES.top_k.min,
    max: RANGES.top_k.max,
    step: 1,
  },
  {
    key: 'top_p',
    label: 'Top-p',
    group: 'advanced',
    kind: 'number',
    help: 'Sample from tokens with cumulative probability p. 0 uses top-k instead.',
    default: MUSICGEN_DEFAULTS.top_p,
    min: RANGES.top_p.min,
    max: RANGES.top_p.max,
    step: 0.01,
  },
  {
    key: 'temperature',
    label: 'Temperature',
    group: 'advanced',
    kind: 'number',
    help: 'Higher gives more varied results; 0 always picks the most likely token.',
    default: MUSICGEN_DEFAULTS.temperature,
    min: RANGES.temperature.min,
    softMax: 2,
    step: 0.05,
  },
  {
    key: 'classifier_free_guidance',
    label: 'Guidance',
    group: 'advanced',
    kind: 'number',
    help: 'How closely the result follows the prompt and input. Higher varies less.',
    default: MUSICGEN_DEFAULTS.classifier_free_guidance,
    min: RANGES.classifier_free_guidance.min,
    max: RANGES.classifier_free_guidance.max,
    step: 0.5,
  },
  {
    key: 'output_format',
    label: 'Output format',
    group: 'advanced',
    kind: 'enum',
    help: 'File format the provider returns.',
    default: MUSICGEN_DEFAULTS.output_format,
    options: [
      { value: 'wav', label: 'WAV' },
      { value: 'mp3', label: 'MP3' },
    ],
  },
]

/** PARAM_SPECS adjusted to one provider: its models, its guidance steps, what it takes. */
export function paramSpecsFor(provider: Provider): ProviderParamSpec[] {
  const caps = PROVIDER_CAPABILITIES[provider]
  return PARAM_SPECS.map((spec): ProviderParamSpec => {
    const supported = caps.params.includes(spec.key)
    if (spec.key === 'model_version') {
      const options = caps.modelVersions.map((v) => ({
        value: v,
        label: MODEL_CAPABILITIES[v].label,
      }))
      return { ...spec, options, supported }
    }
    if (spec.key === 'classifier_free_guidance') {
      const r = caps.classifierFreeGuidance
      return {
        ...spec,
        kind: r.integer ? 'integer' : 'number',
        min: r.min,
        max: r.max,
        step: r.integer ? 1 : 0.5,
        supported,
      }
    }
    if (spec.key === 'duration') {
      return { ...spec, min: caps.duration.min, max: caps.duration.max, supported }
    }
    return { ...spec, supported }
  })
}

// ---------------------------------------------------------------------------------------------
// Validation

export type ProblemCode =
  | 'unknown_provider'
  | 'wrong_type'
  | 'not_integer'
  | 'out_of_range'
  | 'not_allowed'
  | 'model_unavailable'
  | 'unsupported_param'
  | 'prompt_or_audio_required'
  | 'continuation_without_audio'
  | 'melody_unsupported'
  | 'mbd_stereo'
  | 'start_after_end'
  | 'slice_empty'
  | 'slice_too_long'

export interface Problem {
  field: ParamKey | 'provider'
  code: ProblemCode
  message: string
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

function describeRange(r: NumericRange, unit: string): string {
  const kind = r.integer ? 'a whole number' : 'a number'
  const u = unit === '' ? '' : ` ${unit}`
  return r.max === undefined
    ? `${kind}, ${r.min}${u} or more`
    : `${kind} from ${r.min} to ${r.max}${u}`
}

function checkNumber(
  problems: Problem[],
  field: ParamKey,
  value: unknown,
  r: NumericRange,
  unit = '',
  suffix = '',
): boolean {
  const message = `${field} must be ${describeRange(r, unit)}${suffix}`
  if (!isFiniteNumber(value)) {
    problems.push({ field, code: 'wrong_type', message })
    return false
  }
  if (r.integer && !Number.isInteger(value)) {
    problems.push({ field, code: 'not_integer', message })
    return false
  }
  if (value < r.min || (r.max !== undefined && value > r.max)) {
    problems.push({ field, code: 'out_of_range', message })
    return false
  }
  return true
}

function checkBoolean(problems: Problem[], field: ParamKey, value: unknown): value is boolean {
  if (typeof value === 'boolean') return true
  problems.push({ field, code: 'wrong_type', message: `${field} must be on or off (true/false)` })
  return false
}

function checkEnum<T extends string>(
  problems: Problem[],
  field: ParamKey,
  value: unknown,
  allowed: readonly T[],
): value is T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return true
  problems.push({
    field,
    code: 'not_allowed',
    message: `${field} must be one of ${allowed.join(', ')}`,
  })
  return false
}

function isInputAudioRef(value: unknown): value is InputAudioRef {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    typeof v.assetId === 'string' && v.assetId !== '' && isFiniteNumber(v.seconds) && v.seconds > 0
  )
}

function formatSeconds(s: number): string {
  return `${Math.round(s * 100) / 100} s`
}

/**
 * Every problem that would make the provider reject the request or the model fail, each with
 * the field it concerns. An empty list means the params can be sent to that provider.
 */
export function validate(params: MusicgenParams, provider: Provider): Problem[] {
  const problems: Problem[] = []
  const caps: ProviderCapabilities | undefined = isProvider(provider)
    ? PROVIDER_CAPABILITIES[provider]
    : undefined
  if (caps === undefined) {
    problems.push({
      field: 'provider',
      code: 'unknown_provider',
      message: `provider must be one of ${PROVIDERS.join(', ')}`,
    })
  }
  // Values arrive over IPC and from stored rows: check them as unknown.
  const p = params as unknown as Record<ParamKey, unknown>

  // A parameter the provider has no field for is reported once, instead of being dropped.
  const takes = (key: ParamKey): boolean => {
    if (caps === undefined || caps.params.includes(key)) return true
    if (p[key] !== MUSICGEN_DEFAULTS[key]) {
      problems.push({
        field: key,
        code: 'unsupported_param',
        message: `${caps.label} does not take ${key}`,
      })
    }
    return false
  }

  // prompt and input audio
  const prompt = p.prompt
  const promptOk = typeof prompt === 'string'
  if (!promptOk) {
    problems.push({ field: 'prompt', code: 'wrong_type', message: 'prompt must be text' })
  }
  const audioGiven = p.input_audio !== null && p.input_audio !== undefined
  const audio = isInputAudioRef(p.input_audio) ? p.input_audio : null
  if (audioGiven && audio === null) {
    problems.push({
      field: 'input_audio',
      code: 'wrong_type',
      message: 'input_audio must be an imported audio asset with a known length',
    })
  }
  if (promptOk && prompt.trim() === '' && !audioGiven) {
    problems.push({
      field: 'prompt',
      code: 'prompt_or_audio_required',
      message: 'prompt is empty and there is no input_audio: give one or both',
    })
  }

  // model
  let model: ModelVersion | null = null
  if (checkEnum(problems, 'model_version', p.model_version, MODEL_VERSIONS)) {
    model = p.model_version
    if (caps !== undefined && !caps.modelVersions.includes(model)) {
      problems.push({
        field: 'model_version',
        code: 'model_unavailable',
        message: `${caps.label} does not offer model_version ${model}`,
      })
    }
  }
  const modelCaps = model === null ? null : MODEL_CAPABILITIES[model]

  const durationOk = checkNumber(
    problems,
    'duration',
    p.duration,
    caps?.duration ?? RANGES.duration,
    'seconds',
  )

  // continuation and melody conditioning
  const continuationOk = checkBoolean(problems, 'continuation', p.continuation)
  if (continuationOk && p.continuation && !audioGiven) {
    problems.push({
      field: 'continuation',
      code: 'continuation_without_audio',
      message: 'continuation needs input_audio to continue',
    })
  }
  if (continuationOk && !p.continuation && audioGiven && modelCaps !== null && !modelCaps.melody) {
    problems.push({
      field: 'model_version',
      code: 'melody_unsupported',
      message: `model_version ${model} cannot follow a melody: pick a melody model or turn on continuation`,
    })
  }

  // the slice of input audio
  const startOk = checkNumber(
    problems,
    'continuation_start',
    p.continuation_start,
    RANGES.continuation_start,
    'seconds',
  )
  const endValue = p.continuation_end
  const endOk =
    endValue === null ||
    checkNumber(
      problems,
      'continuation_end',
      endValue,
      RANGES.continuation_end,
      'seconds',
      ', or empty for the end of the clip',
    )
  // The predictor reads the slice only when there is input audio.
  if (startOk && endOk && audioGiven) {
    const start = p.continuation_start as number
    const end = endValue as number | null
    if (end !== null && start > end) {
      problems.push({
        field: 'continuation_start',
        code: 'start_after_end',
        message: `continuation_start (${start} s) must not be after continuation_end (${end} s)`,
      })
    } else if (audio !== null) {
      const slice = Math.min(end ?? audio.seconds, audio.seconds) - start
      if (slice <= 0) {
        problems.push({
          field: 'continuation_start',
          code: 'slice_empty',
          message: `continuation_start to continuation_end selects nothing of the ${formatSeconds(audio.seconds)} input_audio`,
        })
      } else if (continuationOk && p.continuation && durationOk) {
        // The returned audio includes the slice, so it must leave room for new material.
        const limit = Math.min(p.duration as number, MAX_WINDOW_SECONDS)
        if (slice >= limit) {
          problems.push({
            field: 'duration',
            code: 'slice_too_long',
            message: `duration (${formatSeconds(limit)}) must be longer than the continuation slice (${formatSeconds(slice)})`,
          })
        }
      }
    }
  }

  if (checkBoolean(problems, 'multi_band_diffusion', p.multi_band_diffusion)) {
    if (p.multi_band_diffusion && modelCaps?.stereo === true) {
      problems.push({
        field: 'multi_band_diffusion',
        code: 'mbd_stereo',
        message: `multi_band_diffusion does not work with stereo model ${model}`,
      })
    }
  }

  checkEnum(problems, 'normalization_strategy', p.normalization_strategy, NORMALIZATION_STRATEGIES)

  if (takes('top_k')) checkNumber(problems, 'top_k', p.top_k, RANGES.top_k)
  if (takes('top_p')) checkNumber(problems, 'top_p', p.top_p, RANGES.top_p)
  if (takes('temperature')) checkNumber(problems, 'temperature', p.temperature, RANGES.temperature)
  if (takes('classifier_free_guidance')) {
    checkNumber(
      problems,
      'classifier_free_guidance',
      p.classifier_free_guidance,
      caps?.classifierFreeGuidance ?? RANGES.classifier_free_guidance,
      '',
      caps === undefined ? '' : ` on ${caps.label}`,
    )
  }
  if (takes('output_format')) checkEnum(problems, 'output_format', p.output_format, OUTPUT_FORMATS)
  if (takes('seed') && p.seed !== null) {
    checkNumber(problems, 'seed', p.seed, caps?.seed ?? RANGES.seed, '', ', or empty for random')
  }
  return problems
}

export class InvalidParamsError extends Error {
  readonly problems: readonly Problem[]
  constructor(problems: readonly Problem[]) {
    super(problems.map((p) => p.message).join('; '))
    this.name = 'InvalidParamsError'
    this.problems = problems
  }
}

// ---------------------------------------------------------------------------------------------
// Seeds and wire bodies

/** A non-zero seed every provider accepts; `random` returns [0, 1) like Math.random. */
export function randomSeed(random: () => number): number {
  const r = random()
  const n = SEED_MIN + Math.floor((Number.isFinite(r) ? r : 0) * (SEED_MAX - SEED_MIN + 1))
  return Math.min(SEED_MAX, Math.max(SEED_MIN, n))
}

/** The params with an explicit seed: the stored one, or a fresh random one when it is null. */
export function resolveSeed(params: MusicgenParams, random: () => number): ResolvedMusicgenParams {
  return { ...params, seed: params.seed ?? randomSeed(random) }
}

export interface ReplicateInput {
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

/** The Cog container runs the same predictor as Replicate. */
export type CogInput = ReplicateInput

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

// Nothing that fails validation is ever sent, so the mappers refuse it outright.
function assertSendable(
  params: ResolvedMusicgenParams,
  provider: Provider,
  audioRef: string | undefined,
): void {
  const problems = validate(params, provider)
  const seed: unknown = params.seed
  if (problems.length === 0 && (typeof seed !== 'number' || seed < SEED_MIN)) {
    problems.push({
      field: 'seed',
      code: 'out_of_range',
      message: 'seed must be resolved before sending',
    })
  }
  if (params.input_audio !== null && (audioRef === undefined || audioRef === '')) {
    problems.push({
      field: 'input_audio',
      code: 'wrong_type',
      message: 'input_audio must be uploaded before sending',
    })
  }
  if (params.input_audio === null && audioRef !== undefined) {
    problems.push({
      field: 'input_audio',
      code: 'wrong_type',
      message: 'an uploaded file was given but input_audio is empty',
    })
  }
  if (problems.length > 0) throw new InvalidParamsError(problems)
}

function snakeCaseInput(
  params: ResolvedMusicgenParams,
  audioUrl: string | undefined,
): ReplicateInput {
  const input: ReplicateInput = {
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

/** The `input` of a Replicate prediction; audioUrl is a data: or https URL of input_audio. */
export function toReplicateInput(
  params: ResolvedMusicgenParams,
  audioUrl?: string,
): ReplicateInput {
  assertSendable(params, 'replicate', audioUrl)
  return snakeCaseInput(params, audioUrl)
}

/** The `input` of a Cog prediction; audioUrl is a data: or http(s) URL of input_audio. */
export function toCogInput(params: ResolvedMusicgenParams, audioUrl?: string): CogInput {
  assertSendable(params, 'cog', audioUrl)
  return snakeCaseInput(params, audioUrl)
}

/** The body of Scenario's generate call; assetId is the uploaded input_audio asset. */
export function toScenarioInput(params: ResolvedMusicgenParams, assetId?: string): ScenarioInput {
  assertSendable(params, 'scenario', assetId)
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

// ---------------------------------------------------------------------------------------------
// Logs

/** The seed the predictor used, from its `Using seed N` line (the last one wins). */
export function parseSeedFromLogs(logs: string | null | undefined): number | null {
  if (typeof logs !== 'string') return null
  let seed: number | null = null
  for (const m of logs.matchAll(/Using seed (\d+)/g)) {
    const n = Number(m[1])
    if (Number.isSafeInteger(n)) seed = n
  }
  return seed
}

/** The last audiocraft token counter (`   123 /   1500`, written with \r) in the logs. */
export function parseTokenProgress(
  logs: string | null | undefined,
): { done: number; total: number } | null {
  if (typeof logs !== 'string') return null
  let last: { done: number; total: number } | null = null
  for (const m of logs.matchAll(/(?<![\w./:-])(\d+) +\/ +(\d+)(?![\w./:-])/g)) {
    const done = Number(m[1])
    const total = Number(m[2])
    if (total > 0 && done <= total) last = { done, total }
  }
  return last
}
