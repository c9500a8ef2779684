import type { SketchApi } from '../../../../shared/api'
import type {
  EditableSettings,
  KeyCheck,
  ProviderId,
  SecretAccount,
  SecretsStatus,
  Settings,
} from '../../../../shared/domain'
import type { LocalModelStatus } from '../../../../shared/local-model'
import type { Notices } from './notices.svelte'

export class SettingsState {
  settings = $state<Settings | null>(null)
  secrets = $state<SecretsStatus | null>(null)
  localModel = $state<LocalModelStatus | null>(null)
  /** Providers whose keys are being checked with them now (a save waits for the answer). */
  checking = $state<ProviderId[]>([])

  constructor(
    private readonly api: SketchApi,
    private readonly notices: Notices,
  ) {
    api.on('settings.changed', (settings) => (this.settings = settings))
    api.on('secrets.changed', (status) => (this.secrets = status))
    api.on('localModel.changed', (status) => (this.localModel = status))
  }

  async load(): Promise<void> {
    const [settings, secrets, localModel] = await Promise.all([
      this.api.call('settings.get', {}),
      this.api.call('secrets.status', {}),
      this.api.call('localModel.status', {}),
    ])
    this.settings = this.notices.take(settings) ?? this.settings
    this.secrets = this.notices.take(secrets) ?? this.secrets
    this.localModel = this.notices.take(localModel) ?? this.localModel
  }

  /** download, cancel or delete the local model; progress then arrives as events. */
  async localModelAction(action: 'download' | 'cancel' | 'delete'): Promise<void> {
    const status = this.notices.take(await this.api.call(`localModel.${action}`, {}))
    if (status) this.localModel = status
  }

  async save(patch: Partial<EditableSettings>): Promise<boolean> {
    const settings = this.notices.take(await this.api.call('settings.set', patch))
    if (settings) this.settings = settings
    return settings !== undefined
  }

  /** What the provider last said of its keys. */
  checkOf(provider: ProviderId): KeyCheck | undefined {
    return this.secrets?.checks.find((check) => check.provider === provider)
  }

  async setSecret(account: SecretAccount, value: string): Promise<boolean> {
    const provider = this.secrets?.accounts.find((a) => a.account === account)?.provider
    const status = await this.#whileChecking(provider, async () =>
      this.notices.take(await this.api.call('secrets.set', { account, value })),
    )
    if (status) this.secrets = status
    return status !== undefined
  }

  /** Asks the provider again (it was offline, or the key comes from the environment). */
  async checkKey(provider: ProviderId): Promise<void> {
    const status = await this.#whileChecking(provider, async () =>
      this.notices.take(await this.api.call('secrets.check', { provider })),
    )
    if (status) this.secrets = status
  }

  async #whileChecking<T>(provider: ProviderId | undefined, work: () => Promise<T>): Promise<T> {
    if (provider !== undefined) this.checking = [...this.checking, provider]
    try {
      return await work()
    } finally {
      if (provider !== undefined) this.checking = this.checking.filter((p) => p !== provider)
    }
  }

  async clearSecret(account: SecretAccount): Promise<void> {
    const status = this.notices.take(await this.api.call('secrets.clear', { account }))
    if (status) this.secrets = status
  }
}
