import {
  KEY_CHECK_RESULTS,
  type EditableSettings,
  type KeyCheck,
  type SecretAccount,
  type Settings,
} from '../../shared/domain'
import type { Provider } from '../../shared/musicgen'
import { AppError } from './app-error'
import { addressProblem, originOf } from './providers/addresses'
import type { AddressSetting } from './providers/descriptor'
import { PROVIDER_DESCRIPTORS, allDescriptors } from './providers/registry'
import type { SettingsTable } from './store/settings'

const ADDRESSES = allDescriptors()

export const DEFAULT_SETTINGS: EditableSettings = {
  ...(Object.fromEntries(ADDRESSES.map((d) => [d.address.setting, d.address.default])) as Record<
    AddressSetting,
    string
  >),
  theme: 'system',
}

/** Settings key of the origin an account's key was saved for (absent: the official one). */
const keyOriginKey = (account: SecretAccount): string => `keyOrigin.${account}`
/** Settings key of the last check of a provider's keys. */
const keyCheckKey = (provider: Provider): string => `keyCheck.${provider}`

function isKeyCheck(value: unknown): value is KeyCheck {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    typeof v.provider === 'string' &&
    (KEY_CHECK_RESULTS as readonly unknown[]).includes(v.result) &&
    typeof v.summary === 'string' &&
    typeof v.message === 'string' &&
    typeof v.checkedAt === 'number'
  )
}

function isKey(key: string): key is keyof EditableSettings {
  return Object.hasOwn(DEFAULT_SETTINGS, key)
}

function descriptorOfSetting(key: string) {
  return ADDRESSES.find((d) => d.address.setting === key)
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
    for (const d of ADDRESSES) {
      const value = this.env[d.address.env]
      if (value !== undefined && value.trim() !== '') {
        settings[d.address.setting] = value.trim().replace(/\/+$/, '')
        settings.overriddenByEnvironment.push(d.address.setting)
      }
    }
    return settings
  }

  /** Refuses an address that may not be used (plain http off this computer, or for a key). */
  set(patch: Partial<EditableSettings>): Settings {
    const entries = Object.entries(patch).filter(
      (e): e is [keyof EditableSettings, string] => e[1] !== undefined && isKey(e[0]),
    )
    for (const [key, value] of entries) {
      const d = descriptorOfSetting(key)
      const problem = d === undefined ? null : addressProblem(d, value)
      if (d !== undefined && problem !== null) {
        const label = d.inSentence.replace(/^the /, '')
        throw new AppError('invalid_input', `The ${label} address ${problem}`, key)
      }
    }
    for (const [key, value] of entries) this.table.set(key, value.replace(/\/+$/, ''))
    return this.get()
  }

  /** The address a provider is reached at now: the environment, the setting, or its default. */
  addressOf(provider: Provider): string {
    return this.get()[PROVIDER_DESCRIPTORS[provider].address.setting]
  }

  /** Binds an account's key to the provider's current address (the user entered it for it). */
  bindKey(provider: Provider, account: SecretAccount): void {
    this.table.set(keyOriginKey(account), originOf(this.addressOf(provider)))
  }

  /** Forgets where a cleared key was bound: a new one starts at the official address. */
  unbindKey(account: SecretAccount): void {
    this.table.set(keyOriginKey(account), null)
  }

  /** Keeps what the provider said of its keys, shown next to them in Settings. */
  recordKeyCheck(check: KeyCheck): void {
    this.table.set(keyCheckKey(check.provider), check)
  }

  /** A key changed or was cleared: the last check no longer speaks of it. */
  forgetKeyCheck(provider: Provider): void {
    this.table.set(keyCheckKey(provider), null)
  }

  keyChecks(): KeyCheck[] {
    const stored = this.table.all()
    return ADDRESSES.flatMap((d) => {
      const check = stored.get(keyCheckKey(d.id))
      return isKeyCheck(check) && check.provider === d.id ? [check] : []
    })
  }

  /**
   * Why the provider's keys may not be sent to its current address, or null when they may: each
   * key goes only to the origin it was saved for (the official one unless entered again).
   */
  keyAddressProblem(provider: Provider): string | null {
    const d = PROVIDER_DESCRIPTORS[provider]
    if (d.credentials === null) return null
    const env = this.env[d.address.env]
    if (env !== undefined && env.trim() !== '') return null
    const address = this.addressOf(provider)
    const current = originOf(address)
    const stored = this.table.all()
    for (const account of d.credentials.accounts) {
      const bound = stored.get(keyOriginKey(account))
      const origin = typeof bound === 'string' ? bound : originOf(d.address.default)
      if (current === null || current !== origin || addressProblem(d, address) !== null) {
        return (
          `The ${d.inSentence} key was saved for ${origin ?? 'another address'}, and the ` +
          `${d.inSentence} address is now ${address}: enter the key again in Settings to use it there`
        )
      }
    }
    return null
  }
}
