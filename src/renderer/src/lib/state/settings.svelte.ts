import type { SketchApi } from '../../../../shared/api'
import type {
  EditableSettings,
  SecretAccount,
  SecretsStatus,
  Settings,
} from '../../../../shared/domain'
import type { Notices } from './notices.svelte'

export class SettingsState {
  settings = $state<Settings | null>(null)
  secrets = $state<SecretsStatus | null>(null)

  constructor(
    private readonly api: SketchApi,
    private readonly notices: Notices,
  ) {
    api.on('settings.changed', (settings) => (this.settings = settings))
    api.on('secrets.changed', (status) => (this.secrets = status))
  }

  async load(): Promise<void> {
    const [settings, secrets] = await Promise.all([
      this.api.call('settings.get', {}),
      this.api.call('secrets.status', {}),
    ])
    this.settings = this.notices.take(settings) ?? this.settings
    this.secrets = this.notices.take(secrets) ?? this.secrets
  }

  async save(patch: Partial<EditableSettings>): Promise<boolean> {
    const settings = this.notices.take(await this.api.call('settings.set', patch))
    if (settings) this.settings = settings
    return settings !== undefined
  }

  async setSecret(account: SecretAccount, value: string): Promise<boolean> {
    const status = this.notices.take(await this.api.call('secrets.set', { account, value }))
    if (status) this.secrets = status
    return status !== undefined
  }

  async clearSecret(account: SecretAccount): Promise<void> {
    const status = this.notices.take(await this.api.call('secrets.clear', { account }))
    if (status) this.secrets = status
  }
}
