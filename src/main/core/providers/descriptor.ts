// What the app knows about one provider, in one place: its address, limits, polling, probe, how a
// lost submission is found again, its keys and how to build its client. Each provider has a folder
// under providers/ with its client and its descriptor; registry.ts lists them. What the UI needs
// (models, parameters, ranges) stays in src/shared/musicgen.ts.
import type { AudioFormat, EditableSettings, SecretAccount } from '../../../shared/domain'
import type { Provider } from '../../../shared/musicgen'
import type { ProviderClient, ProviderClientOptions } from './provider'

export interface ProviderLimits {
  /** Takes of this provider in flight at once. */
  concurrency: number
  /** Requests per minute; null: no limit of ours (a local Cog container). */
  requestsPerMinute: number | null
}

/** The settings that hold a provider's address. */
export type AddressSetting = keyof Pick<
  EditableSettings,
  'replicateBaseUrl' | 'scenarioBaseUrl' | 'cogBaseUrl' | 'modelHubUrl'
>

export interface ProviderAddress {
  /** The official origin (hosted) or the usual local address (Cog). */
  default: string
  /** Environment variable that overrides the setting (set by whoever starts the app). */
  env: string
  setting: AddressSetting
  /**
   * Plain http is allowed on this computer only (127.0.0.0/8, ::1, localhost), and only for a
   * provider that takes no key. Otherwise the address must be https.
   */
  httpOnLoopback: boolean
}

export interface ProviderCredentials {
  /** Keychain accounts, all needed. */
  accounts: readonly SecretAccount[]
  /** Shown when a take is asked for without them. */
  missing: string
}

/** How a paid request whose answer was lost is found again (ProviderClient.reconcile). */
export type LostSubmissionLookup =
  /** The provider lists what it accepted: found, or certainly absent (or unknown). */
  | 'listed'
  /** The request carries an id the app chose: the same id cannot run twice unseen. */
  | 'client-id'
  /** The provider cannot be asked: the user decides. */
  | 'cannot-ask'

export interface ClientBuild extends ProviderClientOptions {
  /**
   * The key of an account, asked before every request. Throws a ProviderError `auth` when the key
   * may not go to this address (it was saved for another one); null when none is set.
   */
  secret: (account: SecretAccount) => Promise<string | null>
}

/** How a provider takes input audio (a melody, or the clip a continuation continues). */
export type InputAudioForm =
  /** The stored file when it reads that format ('any': every one); anything else as WAV. */
  | { readonly files: readonly AudioFormat[] | 'any' }
  /**
   * Decoded samples at one rate, downmixed (float WAV), for an engine that decodes nothing itself
   * (the local one): the queue converts them as audiocraft's `convert_audio` does.
   */
  | { readonly pcm: { readonly sampleRate: number; readonly channels: 1 } }

export interface ProviderDescriptor {
  readonly id: Provider
  /** How a sentence names it: "Replicate", "the Cog container". */
  readonly inSentence: string
  readonly address: ProviderAddress
  readonly limits: ProviderLimits
  /** Pause between polls of a running take. */
  readonly pollIntervalMs: number
  /**
   * Path (under the address) the reachability probe asks, without a key; null: it runs on this
   * computer, there is nothing to reach (no chip, never waits for the network).
   */
  readonly probePath: string | null
  readonly lostSubmission: LostSubmissionLookup
  /** null: takes no key. */
  readonly credentials: ProviderCredentials | null
  readonly inputAudio: InputAudioForm
  createClient(build: ClientBuild): ProviderClient
}
