// Entities as the contract carries them. Time values are integer samples at the project rate.

export const PROJECT_SAMPLE_RATES = [44100, 48000] as const
export type ProjectSampleRate = (typeof PROJECT_SAMPLE_RATES)[number]

export interface Project {
  id: string
  name: string
  sampleRate: ProjectSampleRate
  tempoBpm: number | null
  timeSignature: [number, number] | null
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

export interface Clip {
  id: string
  trackId: string
  assetId: string
  start: number
  offset: number
  length: number
  gainDb: number
  fadeIn: number
  fadeOut: number
}

export interface TrackWithClips extends Track {
  clips: Clip[]
}

export interface ProjectDetail extends Project {
  tracks: TrackWithClips[]
}

export const PROVIDERS = ['replicate', 'scenario', 'cog'] as const
export type ProviderId = (typeof PROVIDERS)[number]

export const SECRET_ACCOUNTS = ['replicate', 'scenario-key', 'scenario-secret'] as const
export type SecretAccount = (typeof SECRET_ACCOUNTS)[number]

/** Where a key comes from; the value itself never crosses the contract. */
export type SecretSource = 'keychain' | 'environment'

export interface SecretStatus {
  account: SecretAccount
  set: boolean
  source: SecretSource | null
  environmentVariable: string
}

export interface SecretsStatus {
  keychainAvailable: boolean
  accounts: SecretStatus[]
}

export const THEMES = ['system', 'light', 'dark'] as const
export type Theme = (typeof THEMES)[number]

export interface EditableSettings {
  replicateBaseUrl: string
  scenarioBaseUrl: string
  cogBaseUrl: string
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
