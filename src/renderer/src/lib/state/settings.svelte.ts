import type { SketchApi } from '../../../../shared/api'
import type {
  EditableSettings,
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
