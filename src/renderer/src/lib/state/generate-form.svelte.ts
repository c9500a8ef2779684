import type { SketchApi } from '../../../../shared/api'
import type { GenerationEstimate, SecretsStatus } from '../../../../shared/domain'
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

const KEY_ACCOUNTS: Record<Provider, string[]> = {
  replicate: ['replicate'],
  scenario: ['scenario-key', 'scenario-secret'],
  cog: [],
  local: [],
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
  /** Further segments of an "extend" chain after the first one (which uses the main prompt). */
  segments = $state<{ prompt: string; duration: number }[]>([])

  readonly specs = $derived(paramSpecsFor(this.provider))
  readonly problems = $derived<Problem[]>(validate(this.params, this.provider))

  constructor(
    private readonly api: SketchApi,
    private readonly notices: Notices,
  ) {}

  problemFor(key: ParamKey): string | undefined {
    return this.problems.find((problem) => problem.field === key)?.message
  }

  missingKey(secrets: SecretsStatus | null): boolean {
    if (!secrets) return false
    return KEY_ACCOUNTS[this.provider].some(
      (account) => !secrets.accounts.find((status) => status.account === account)?.set,
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
    if (this.problems.length > 0) return false
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
            segments: [{ ...rest }, ...this.segments.map((segment) => ({ ...rest, ...segment }))],
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
