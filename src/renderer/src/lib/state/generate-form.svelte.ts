import type { SketchApi } from '../../../../shared/api'
import { MAX_TAKES, type GenerationEstimate, type SecretsStatus } from '../../../../shared/domain'
import {
  MODEL_CAPABILITIES,
  PROVIDER_CAPABILITIES,
  paramSpecsFor,
  validate,
  withDefaults,
  type MusicgenParams,
  type ParamKey,
  type Problem,
  type Provider,
  type ProviderParamSpec,
} from '../../../../shared/musicgen'
import type { Notices } from './notices.svelte'

/** Why a parameter cannot be set for the chosen provider and model; null when it can. */
export function disabledReason(
  spec: ProviderParamSpec,
  provider: Provider,
  params: MusicgenParams,
): string | null {
  if (!spec.supported) return `${PROVIDER_CAPABILITIES[provider].label} does not take this`
  const model = MODEL_CAPABILITIES[params.model_version]
  if (spec.key === 'multi_band_diffusion' && model.stereo) return 'Not available with stereo models'
  if (
    (spec.key === 'continuation_start' || spec.key === 'continuation_end') &&
    params.input_audio === null
  ) {
    return 'Needs input audio'
  }
  return null
}

/** How long the form waits after a change before it saves the draft. */
const DRAFT_SAVE_MS = 300

interface Draft {
  provider: Provider
  params: MusicgenParams
  takes: number
  segments: { prompt: string; duration: number | null }[]
  continuing: { clipId: string; label: string; contextSeconds: number } | null
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A stored draft read back defensively: anything unreadable falls back to the default. */
function readDraft(raw: unknown): Partial<Draft> {
  if (!isRecord(raw)) return {}
  const draft: Partial<Draft> = {}
  if (typeof raw.provider === 'string' && raw.provider in PROVIDER_CAPABILITIES) {
    draft.provider = raw.provider as Provider
  }
  if (isRecord(raw.params)) draft.params = withDefaults(raw.params)
  if (typeof raw.takes === 'number' && Number.isInteger(raw.takes)) draft.takes = raw.takes
  if (Array.isArray(raw.segments)) {
    draft.segments = raw.segments.filter(
      (s): s is { prompt: string; duration: number | null } =>
        isRecord(s) &&
        typeof s.prompt === 'string' &&
        (typeof s.duration === 'number' || s.duration === null),
    )
  }
  const c = raw.continuing
  if (
    isRecord(c) &&
    typeof c.clipId === 'string' &&
    typeof c.label === 'string' &&
    typeof c.contextSeconds === 'number'
  ) {
    draft.continuing = { clipId: c.clipId, label: c.label, contextSeconds: c.contextSeconds }
  }
  return draft
}

/** The generation panel's form: parameters, inline validation and the provider's cost preview. */
export class GenerateForm {
  provider = $state<Provider>('replicate')
  params = $state<MusicgenParams>(withDefaults({}))
  takes = $state(1)
  /** Set after the first submit so untouched fields do not start out red. */
  showProblems = $state(false)
  estimate = $state<GenerationEstimate | null>(null)
  busy = $state(false)
  /** The clip a continuation continues, with its context in seconds. */
  continuing = $state<{ clipId: string; label: string; contextSeconds: number } | null>(null)
  /**
   * Further segments of an "extend" chain after the first one (which uses the main prompt). A
   * duration of null follows the main duration.
   */
  segments = $state<{ prompt: string; duration: number | null }[]>([])

  readonly specs = $derived(paramSpecsFor(this.provider))
  /** Takes is the form's own field (not a model parameter): checked here, in the same words. */
  readonly takesProblem = $derived(
    Number.isInteger(this.takes) && this.takes >= 1 && this.takes <= MAX_TAKES
      ? null
      : `Takes must be a whole number from 1 to ${MAX_TAKES}`,
  )
  readonly problems = $derived<Problem[]>(validate(this.params, this.provider))
  /** Every message to show before sending: the parameters' and the form's own. */
  readonly messages = $derived([
    ...this.problems.map((problem) => problem.message),
    ...(this.takesProblem ? [this.takesProblem] : []),
  ])

  /** The draft as stored (JSON): reading it tracks every field of the form. */
  readonly draft = $derived(
    JSON.stringify({
      provider: this.provider,
      params: this.params,
      takes: this.takes,
      segments: this.segments,
      continuing: this.continuing,
    } satisfies Draft),
  )

  #projectId: string | null = null
  #saved: string | null = null
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly api: SketchApi,
    private readonly notices: Notices,
  ) {}

  /** Restores the project's draft (prompt, provider, model, every parameter) from the store. */
  async restore(projectId: string): Promise<void> {
    const result = await this.api.call('drafts.get', { projectId })
    if (result.ok && result.value) {
      const draft = readDraft(result.value)
      if (draft.provider) this.provider = draft.provider
      if (draft.params) this.params = draft.params
      if (draft.takes !== undefined) this.takes = draft.takes
      if (draft.segments) this.segments = draft.segments
      if (draft.continuing !== undefined) this.continuing = draft.continuing
    }
    this.#saved = this.draft
    // Only now: saving before the restore would overwrite the stored draft with the defaults.
    this.#projectId = projectId
  }

  /** Saves the draft shortly after the last change (call whenever `draft` changes). */
  scheduleSave(): void {
    if (this.#projectId === null || this.draft === this.#saved) return
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => void this.saveNow(), DRAFT_SAVE_MS)
  }

  /** Saves a pending change at once (leaving the project). */
  async saveNow(): Promise<void> {
    clearTimeout(this.#timer)
    const projectId = this.#projectId
    const draft = this.draft
    if (projectId === null || draft === this.#saved) return
    this.#saved = draft
    const result = await this.api.call('drafts.set', {
      projectId,
      draft: JSON.parse(draft) as Record<string, unknown>,
    })
    if (!result.ok) this.notices.error(result.error)
  }

  problemFor(key: ParamKey): string | undefined {
    return this.problems.find((problem) => problem.field === key)?.message
  }

  /** The provider needs a key that is not set (main says which provider each key is for). */
  missingKey(secrets: SecretsStatus | null): boolean {
    if (!secrets) return false
    return secrets.accounts.some((status) => status.provider === this.provider && !status.set)
  }

  /** The provider refused the key when it was saved or last checked. */
  rejectedKey(secrets: SecretsStatus | null): boolean {
    return (
      secrets?.checks.some((c) => c.provider === this.provider && c.result === 'rejected') ?? false
    )
  }

  setProvider(provider: Provider): void {
    this.provider = provider
    // Parameters the new provider does not take go back to their defaults instead of failing.
    const defaults = withDefaults({})
    for (const spec of paramSpecsFor(provider)) {
      if (!spec.supported) Object.assign(this.params, { [spec.key]: defaults[spec.key] })
    }
    const versions = PROVIDER_CAPABILITIES[provider].modelVersions
    if (!versions.includes(this.params.model_version)) {
      this.params.model_version = versions.includes(defaults.model_version)
        ? defaults.model_version
        : (versions[0] ?? defaults.model_version)
    }
  }

  set<K extends ParamKey>(key: K, value: MusicgenParams[K]): void {
    this.params[key] = value
  }

  useParameters(provider: Provider, params: Record<string, unknown>): void {
    this.provider = provider
    this.params = withDefaults(params)
    this.continuing = null
    this.segments = []
  }

  /**
   * Pre-fills a continuation of a clip: its take's prompt and model when it has one, a context
   * of W seconds (10 by default) and a duration D > W. The core cuts the context exactly.
   */
  continueClip(
    clip: { id: string; label: string; lengthSeconds: number },
    take: { provider: Provider; params: Record<string, unknown> } | null,
  ): void {
    const contextSeconds = Math.max(1, Math.min(10, Math.floor(clip.lengthSeconds)))
    const base = take ? withDefaults(take.params) : withDefaults({})
    if (take) this.provider = take.provider
    this.params = {
      ...base,
      seed: null,
      duration: Math.min(30, contextSeconds + 20),
      continuation: true,
      continuation_start: 0,
      continuation_end: null,
      // The core replaces this with the cut context; its length lets validate check D > W.
      input_audio: { assetId: clip.id, seconds: contextSeconds },
    }
    this.continuing = { clipId: clip.id, label: clip.label, contextSeconds }
    this.segments = []
  }

  setContextSeconds(seconds: number): void {
    if (!this.continuing || !this.params.input_audio) return
    this.continuing.contextSeconds = seconds
    this.params.input_audio = { ...this.params.input_audio, seconds }
  }

  stopContinuing(): void {
    this.continuing = null
    this.segments = []
    this.params = { ...this.params, continuation: false, input_audio: null }
  }

  async refreshEstimate(): Promise<void> {
    if (this.problems.length > 0) {
      this.estimate = null
      return
    }
    const result = await this.api.call('generations.estimate', {
      provider: this.provider,
      params: { ...$state.snapshot(this.params) },
    })
    this.estimate = result.ok ? result.value : null
  }

  async submit(projectId: string, trackId: string | undefined): Promise<boolean> {
    this.showProblems = true
    if (this.messages.length > 0) return false
    if (this.continuing) return this.#submitContinuation(this.continuing)
    this.busy = true
    const input = {
      projectId,
      provider: this.provider,
      params: { ...$state.snapshot(this.params) },
      takes: this.takes,
      ...(trackId ? { trackId } : {}),
    }
    const result = await this.api.call('generations.create', input)
    this.busy = false
    const created = this.notices.take(result)
    if (created) this.showProblems = false
    return created !== undefined
  }

  async #submitContinuation(continuing: {
    clipId: string
    contextSeconds: number
  }): Promise<boolean> {
    this.busy = true
    const {
      input_audio: _input,
      continuation: _continuation,
      ...rest
    } = $state.snapshot(this.params)
    const result =
      this.segments.length === 0
        ? await this.api.call('generations.continue', {
            clipId: continuing.clipId,
            provider: this.provider,
            contextSeconds: continuing.contextSeconds,
            params: { ...rest },
            takes: this.takes,
          })
        : await this.api.call('chains.extend', {
            clipId: continuing.clipId,
            provider: this.provider,
            contextSeconds: continuing.contextSeconds,
            segments: [
              { ...rest },
              ...this.segments.map(({ prompt, duration }) => ({
                ...rest,
                prompt,
                duration: duration ?? rest.duration,
              })),
            ],
          })
    this.busy = false
    const created = this.notices.take(result)
    if (created) {
      this.showProblems = false
      this.stopContinuing()
    }
    return created !== undefined
  }
}
