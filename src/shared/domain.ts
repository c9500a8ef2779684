// Entities as the contract carries them. Time values are integer samples at the project rate.
import type { ClipTiming } from './timeline'

export const PROJECT_SAMPLE_RATES = [44100, 48000] as const
export type ProjectSampleRate = (typeof PROJECT_SAMPLE_RATES)[number]

export interface Project {
  id: string
  name: string
  sampleRate: ProjectSampleRate
  tempoBpm: number | null
  timeSignature: [number, number] | null
  /** The master bus's gain (dB), applied to the mix in playback and export; never to stems. */
  masterGainDb: number
  createdAt: number
  updatedAt: number
}

export interface Track {
  id: string
  projectId: string
  name: string
  position: number
  gainDb: number
  mute: boolean
  solo: boolean
}

export interface Clip extends ClipTiming {
  id: string
  trackId: string
  assetId: string
}

export interface TrackWithClips extends Track {
  clips: Clip[]
}

export interface ProjectDetail extends Project {
  tracks: TrackWithClips[]
}

export const AUDIO_FORMATS = [
  'wav',
  'aiff',
  'mp3',
  'flac',
  'ogg-vorbis',
  'ogg-opus',
  /** MP4/M4A with AAC or Apple Lossless audio. */
  'm4a',
  /** Raw AAC (ADTS). */
  'aac',
] as const
export type AudioFormat = (typeof AUDIO_FORMATS)[number]
export type AssetOrigin = 'import' | 'generation' | 'render'

export interface Asset {
  id: string
  projectId: string
  name: string
  format: AudioFormat
  sampleRate: number
  channels: number
  frames: number
  byteSize: number
  origin: AssetOrigin
  createdAt: number
}

/** A WAV asset ready to be dragged out of the window, and the file name it gets there. */
export interface DragOutFile {
  assetId: string
  fileName: string
}

/** One resolution of an asset's waveform: per channel, `count` (min, max) pairs. */
export interface PeaksData {
  assetId: string
  framesPerPeak: number
  channels: number
  frames: number
  count: number
  /** Base64 of little-endian Int16: for each channel, `count` pairs of (min, max) scaled by 32767. */
  data: string
}

export const EXPORT_BIT_DEPTHS = [16, 24, 32] as const
export type ExportBitDepth = (typeof EXPORT_BIT_DEPTHS)[number]

export interface ExportResult {
  directory: string
  /** File names written, inside `directory`. */
  files: string[]
  frames: number
  sampleRate: number
  /** What the mix's master did and measured; null without a mix. */
  mix: MixReport | null
}

/**
 * How an export keeps the mix's true peak under the ceiling: a look-ahead limiter, the whole mix
 * turned down (automatic headroom), or nothing (the overs are then reported).
 */
export const MIX_PROTECTIONS = ['limiter', 'headroom', 'none'] as const
export type MixProtection = (typeof MIX_PROTECTIONS)[number]

/** The true-peak ceiling of a protected mix (dBTP), also the level above which a peak is an over. */
export const TRUE_PEAK_CEILING_DB = -1

/** One stretch of a mix whose true peak goes over the ceiling. */
export interface MixOver {
  /** Where it starts and ends, in seconds from the start of the export. */
  seconds: number
  endSeconds: number
  /** Its highest true peak (dBTP). */
  truePeakDb: number
}

export interface MixReport {
  protection: MixProtection
  masterGainDb: number
  /**
   * True peak (dBTP, BS.1770-4) of the mix as it leaves the master, before the file's integer
   * samples clamp it at full scale: above 0 dBTP, how far it clips.
   */
  truePeakDb: number
  /** Integrated loudness (LUFS) of the mix as it leaves the master. */
  integratedLufs: number
  /** How much the protection turned the mix down at most (dB, 0 or less). */
  reductionDb: number
  /** The stretches over the ceiling in the mix as written: none once protected. */
  overs: { count: number; loudestDb: number | null; first: MixOver[] }
}

export const PROVIDERS = ['replicate', 'scenario', 'cog', 'local'] as const
export type ProviderId = (typeof PROVIDERS)[number]

export const SECRET_ACCOUNTS = ['replicate', 'scenario-key', 'scenario-secret'] as const
export type SecretAccount = (typeof SECRET_ACCOUNTS)[number]

/** Where a key comes from; the value itself never crosses the contract. */
export type SecretSource = 'keychain' | 'environment'

export interface SecretStatus {
  account: SecretAccount
  /** The provider the key is for. */
  provider: ProviderId
  set: boolean
  source: SecretSource | null
  environmentVariable: string
}

/**
 * What a provider said of its key when it was saved or checked again: `valid` (it accepted it),
 * `rejected` (it refused it: 401/403), `unchecked` (it could not be asked: offline, no answer in
 * time, or a failure on its side; the key is kept).
 */
export const KEY_CHECK_RESULTS = ['valid', 'rejected', 'unchecked'] as const
export type KeyCheckResult = (typeof KEY_CHECK_RESULTS)[number]

export interface KeyCheck {
  provider: ProviderId
  result: KeyCheckResult
  /** Shown as the key's state: "valid", "rejected by Replicate", "could not check (offline)". */
  summary: string
  /** What it means and what to do, in words a musician reads. */
  message: string
  /** The technical cause (the provider's own answer or the connection error), for the details. */
  cause: string | null
  checkedAt: number
}

export interface SecretsStatus {
  keychainAvailable: boolean
  accounts: SecretStatus[]
  /** The last check of each provider's keys (absent: never checked, or cleared since). */
  checks: KeyCheck[]
}

export const THEMES = ['system', 'light', 'dark'] as const
export type Theme = (typeof THEMES)[number]

export interface EditableSettings {
  replicateBaseUrl: string
  scenarioBaseUrl: string
  cogBaseUrl: string
  /** Where the local model is downloaded from: the folder holding its manifest.json. */
  modelHubUrl: string
  theme: Theme
}

export interface Settings extends EditableSettings {
  /** Settings currently forced by an environment variable (the stored value is kept but unused). */
  overriddenByEnvironment: (keyof EditableSettings)[]
}

export interface AppInfo {
  name: string
  version: string
  mode: 'electron' | 'browser'
  dataDir: string
  schemaVersion: number
  platform: string
}

export const GENERATION_STATUSES = [
  'queued',
  'waiting_parent',
  'waiting_network',
  'submitting',
  'running',
  'downloading',
  'succeeded',
  'failed',
  'canceled',
  'needs_decision',
] as const
export type GenerationStatus = (typeof GENERATION_STATUSES)[number]

export interface GenerationCost {
  /** Scenario's creative units. */
  creativeUnits?: number
  /** Replicate's metrics.predict_time, seconds of GPU time. */
  predictSeconds?: number
}

/** When the provider says it ran a take, by its own clock (ISO 8601). */
export interface ProviderTimings {
  startedAt?: string
  completedAt?: string
}

/** A take: one request to a provider and everything known about it. */
export interface Generation {
  id: string
  projectId: string
  trackId: string | null
  provider: ProviderId
  /** Canonical MusicGen parameters (src/shared/musicgen.ts), seed resolved. */
  params: Record<string, unknown>
  /** The seed actually used (sent, and read back from the logs when they print it). */
  seed: number | null
  status: GenerationStatus
  /** 0..1 */
  progress: number
  /** Why a waiting or undecided take waits, in words for the user. */
  waitingReason: string | null
  error: { code: string; message: string } | null
  cost: GenerationCost | null
  providerTimings: ProviderTimings | null
  inputAssetId: string | null
  parentClipId: string | null
  parentGenerationId: string | null
  contextFrames: number | null
  outputAssetId: string | null
  providerJobId: string | null
  createdAt: number
  updatedAt: number
  startedAt: number | null
  completedAt: number | null
}

export interface GenerationEstimate {
  creativeUnits?: number
  typicalSeconds?: number
}

export interface ProviderReachability {
  provider: ProviderId
  reachable: boolean
  /** Why it is unreachable: the technical cause, shown one click away. */
  reason: string | null
  /** Takes waiting for it to be reachable again. */
  waitingTakes: number
  checkedAt: number
}

/** Takes (variations) one Generate may ask for. */
export const MAX_TAKES = 8

/** What the UI shows of a project's history. */
export interface HistoryState {
  undoLabel: string | null
  redoLabel: string | null
}
