import type { Handlers } from '../../../shared/api'
import type { SecretAccount } from '../../../shared/domain'
import type { Provider } from '../../../shared/musicgen'
import type { CoreContext } from '../context'
import { allDescriptors } from '../providers/registry'

type SettingsHandlers = Pick<
  Handlers,
  'settings.get' | 'settings.set' | 'secrets.status' | 'secrets.set' | 'secrets.clear'
>

function providerOfAccount(account: SecretAccount): Provider | undefined {
  return allDescriptors().find((d) => d.credentials?.accounts.includes(account))?.id
}

export function settingsHandlers(ctx: CoreContext): SettingsHandlers {
  const { db, settings, secrets, events } = ctx
  return {
    'settings.get': () => settings.get(),
    'settings.set': (patch) => {
      const updated = db.transaction(() => settings.set(patch))
      events.emit('settings.changed', updated)
      return updated
    },

    'secrets.status': () => secrets.status(),
    'secrets.set': async ({ account, value }) => {
      await secrets.set(account, value)
      // The key was entered for the address set now: it may go there (and only there).
      const provider = providerOfAccount(account)
      if (provider !== undefined) settings.bindKey(provider, account)
      ctx.log.info('key stored in the keychain', { account })
      const status = await secrets.status()
      events.emit('secrets.changed', status)
      return status
    },
    'secrets.clear': async ({ account }) => {
      await secrets.clear(account)
      settings.unbindKey(account)
      ctx.log.info('key removed from the keychain', { account })
      const status = await secrets.status()
      events.emit('secrets.changed', status)
      return status
    },
  }
}
