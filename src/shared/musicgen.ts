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

/**
 * Longest take on Replicate and Cog. predict.py has no bound (audiocraft goes past its 30 s window
 * in windows with an 18 s stride); Replicate stops a prediction after 30 minutes, which a stereo
 * take of about 10 minutes approaches.
 */
export const LONG_TAKE_MAX_SECONDS = 600
/** Scenario's schema allows 1..30 s. */
export const SCENARIO_MAX_SECONDS = 30
/** The local provider generates one 30 s window of MusicGen small. */
export const LOCAL_MAX_SECONDS = 30
/** audiocraft's extend_stride: each window past the first adds this much new audio. */
export const WINDOW_STRIDE_SECONDS = 18

export const RANGES = {
  duration: { min: 1, max: LONG_TAKE_MAX_SECONDS, integer: true },
  continuation_start: { min: 0, integer: true },
  continuation_end: { min: 0, integer: true },
  // The LM samples from 2048 codes per codebook: torch.topk fails above that.
  top_k: { min: 0, max: 2048, integer: true },
  top_p: { min: 0, max: 1, integer: false },
  temperature: { min: 0, integer: false },
  // predict.py declares it an int; Scenario's schema says number, but the model takes an int.
  classifier_free_guidance: { min: 0, max: 10, integer: true },
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
  /**
   * Input audio (melody or continuation) works only with melody models. Scenario's schema says
   * inputAudio "only works with Melody Large and Stereo Melody Large models".
   */
  inputAudioNeedsMelodyModel: boolean
}

const SCENARIO_MISSING: readonly ParamKey[] = ['top_k', 'top_p', 'output_format']

export const PROVIDER_CAPABILITIES: Readonly<Record<Provider, ProviderCapabilities>> = {
  replicate: {
    id: 'replicate',
    label: 'Replicate',
    modelVersions: CURRENT_MODEL_VERSIONS,
    params: PARAM_KEYS,
    duration: RANGES.duration,
    classifierFreeGuidance: RANGES.classifier_free_guidance,
    seed: RANGES.seed,
    inputAudioNeedsMelodyModel: false,
  },
  scenario: {
    id: 'scenario',
    label: 'Scenario',
    modelVersions: CURRENT_MODEL_VERSIONS,
    params: PARAM_KEYS.filter((k) => !SCENARIO_MISSING.includes(k)),
    duration: { min: 1, max: SCENARIO_MAX_SECONDS, integer: true },
    classifierFreeGuidance: RANGES.classifier_free_guidance,
    seed: RANGES.seed,
    inputAudioNeedsMelodyModel: true,
  },
  cog: {
    id: 'cog',
    label: 'Local Cog',
    modelVersions: CURRENT_MODEL_VERSIONS,
    params: PARAM_KEYS,
    duration: RANGES.duration,
    classifierFreeGuidance: RANGES.classifier_free_guidance,
    seed: RANGES.seed,
    inputAudioNeedsMelodyModel: false,
  },
  // MusicGen small on this machine (src/main/core/providers/local): text to music, mono 32 kHz,
  // and continuation of input audio (its EnCodec encoder); small follows no melody.
  local: {
    id: 'local',
    label: 'This computer',
    modelVersions: ['small'],
    params: [
      'prompt',
      'model_version',
      'input_audio',
      'duration',
      'continuation',
      'continuation_start',
      'continuation_end',
      'top_k',
      'top_p',
      'temperature',
      'classifier_free_guidance',
      'seed',
    ],
    // 30 s: one window of the model; longer takes would need windowed generation on a CPU. A
    // continuation's 30 s include the audio it continues, as in audiocraft's generate_continuation.
    duration: { min: 1, max: LOCAL_MAX_SECONDS, integer: true },
    classifierFreeGuidance: RANGES.classifier_free_guidance,
    seed: RANGES.seed,
    inputAudioNeedsMelodyModel: false,
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
    help:
      'Length of the result in seconds. A continuation includes its input slice. Past 30 s the ' +
      'model continues itself in windows: longer takes take (and cost) more.',
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
    kind: 'integer',
    help: 'How closely the result follows the prompt and input, in whole steps. Higher varies less.',
    default: MUSICGEN_DEFAULTS.classifier_free_guidance,
    min: RANGES.classifier_free_guidance.min,
    max: RANGES.classifier_free_guidance.max,
    step: 1,
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
        step: r.integer ? 1 : 0.1,
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
  | 'audio_needs_melody_model'
  | 'mbd_stereo'
  | 'start_after_end'
  | 'slice_empty'
  | 'slice_too_long'

export interface Problem {
  field: ParamKey | 'provider'
  code: ProblemCode
  message: string
}

/** A parameter as the form labels it ("Top-p", "Guidance"), for messages a musician reads. */
export function fieldLabel(key: ParamKey | 'provider'): string {
  if (key === 'provider') return 'Provider'
  return PARAM_SPECS.find((spec) => spec.key === key)?.label ?? key
}

/** An option's label in the form ("Loudness (-14 LUFS)"), or the value itself. */
function optionLabel(key: ParamKey, value: string): string {
  return (
    PARAM_SPECS.find((spec) => spec.key === key)?.options?.find((o) => o.value === value)?.label ??
    value
  )
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
  const message = `${fieldLabel(field)} must be ${describeRange(r, unit)}${suffix}`
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
  problems.push({ field, code: 'wrong_type', message: `${fieldLabel(field)} must be on or off` })
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
    message: `${fieldLabel(field)} must be one of ${allowed.map((v) => optionLabel(field, v)).join(', ')}`,
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
      message: `Provider must be one of ${PROVIDERS.map((v) => PROVIDER_CAPABILITIES[v].label).join(', ')}`,
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
        message: `${caps.label} does not take ${fieldLabel(key)}`,
      })
    }
    return false
  }

  // prompt and input audio
  const prompt = p.prompt
  const promptOk = typeof prompt === 'string'
  if (!promptOk) {
    problems.push({ field: 'prompt', code: 'wrong_type', message: 'Prompt must be text' })
  }
  const audioGiven = p.input_audio !== null && p.input_audio !== undefined
  const audio = isInputAudioRef(p.input_audio) ? p.input_audio : null
  if (audioGiven && audio === null) {
    problems.push({
      field: 'input_audio',
      code: 'wrong_type',
      message: 'Melody must be audio of the project with a known length',
    })
  }
  if (promptOk && prompt.trim() === '' && !audioGiven) {
    problems.push({
      field: 'prompt',
      code: 'prompt_or_audio_required',
      message: 'Give a prompt or a melody',
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
        message: `${caps.label} does not offer the ${MODEL_CAPABILITIES[model].label} model`,
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
      message: 'Continue input audio needs audio to continue: a melody or a clip',
    })
  }
  if (continuationOk && !p.continuation && audioGiven && modelCaps !== null && !modelCaps.melody) {
    const melodyOffered = caps?.modelVersions.some((v) => MODEL_CAPABILITIES[v].melody) ?? true
    problems.push({
      field: 'model_version',
      code: 'melody_unsupported',
      message: melodyOffered
        ? `The ${modelCaps.label} model cannot follow a melody: pick a melody model`
        : `${caps?.label ?? 'This provider'} cannot follow a melody, only continue audio: turn on ${fieldLabel('continuation')}`,
    })
  } else if (
    continuationOk &&
    p.continuation &&
    audioGiven &&
    modelCaps !== null &&
    !modelCaps.melody &&
    caps?.inputAudioNeedsMelodyModel === true
  ) {
    problems.push({
      field: 'model_version',
      code: 'audio_needs_melody_model',
      message: `${caps.label} continues input audio only with melody models: choose the Melody Large or Stereo Melody Large model`,
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
        message: `Slice start (${start} s) must not be after Slice end (${end} s)`,
      })
    } else if (audio !== null) {
      const slice = Math.min(end ?? audio.seconds, audio.seconds) - start
      if (slice <= 0) {
        problems.push({
          field: 'continuation_start',
          code: 'slice_empty',
          message: `Slice start to Slice end selects nothing of the ${formatSeconds(audio.seconds)} of audio`,
        })
      } else if (continuationOk && p.continuation && durationOk) {
        // The returned audio includes the slice, so it must leave room for new material.
        const limit = Math.min(p.duration as number, MAX_WINDOW_SECONDS)
        if (slice >= limit) {
          problems.push({
            field: 'duration',
            code: 'slice_too_long',
            message: `Duration (${formatSeconds(limit)}) must be longer than the audio it continues (${formatSeconds(slice)})`,
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
        message: `Multi-band diffusion does not work with the stereo ${modelCaps.label} model`,
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
// Seeds (the wire bodies are each provider's own: src/main/core/providers/<name>/)

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
