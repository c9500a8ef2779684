import type { EditableSettings, Settings } from '../../shared/domain'
import type { SettingsTable } from './store/settings'

export const DEFAULT_SETTINGS: EditableSettings = {
  replicateBaseUrl: 'https://api.replicate.com',
  scenarioBaseUrl: 'https://api.cloud.scenario.com',
  cogBaseUrl: 'http://127.0.0.1:5000',
  // No public hub hosts our manifest: the musician (or their admin) sets one, see the README.
  modelHubUrl: '',
  theme: 'system',
}

const ENVIRONMENT_OVERRIDES: Partial<Record<keyof EditableSettings, string>> = {
  replicateBaseUrl: 'MUSICSKETCH_REPLICATE_URL',
  scenarioBaseUrl: 'MUSICSKETCH_SCENARIO_URL',
  cogBaseUrl: 'MUSICSKETCH_COG_URL',
  modelHubUrl: 'MUSICSKETCH_MODEL_HUB_URL',
}

function isKey(key: string): key is keyof EditableSettings {
  return Object.hasOwn(DEFAULT_SETTINGS, key)
}

export class SettingsService {
  constructor(
    private readonly table: SettingsTable,
    private readonly env: Readonly<Record<string, string | undefined>>,
  ) {}

  get(): Settings {
    const stored: Partial<EditableSettings> = {}
    for (const [key, value] of this.table.all()) {
      if (isKey(key) && typeof value === 'string') Object.assign(stored, { [key]: value })
    }
    const settings: Settings = { ...DEFAULT_SETTINGS, ...stored, overriddenByEnvironment: [] }
    for (const [key, variable] of Object.entries(ENVIRONMENT_OVERRIDES)) {
      const value = this.env[variable]
      if (value && isKey(key)) {
        Object.assign(settings, { [key]: value.replace(/\/+$/, '') })
        settings.overriddenByEnvironment.push(key)
      }
    }
    return settings
  }

  set(patch: Partial<EditableSettings>): Settings {
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined || !isKey(key)) continue
      this.table.set(key, typeof value === 'string' ? value.replace(/\/+$/, '') : value)
    }
    return this.get()
  }
}
