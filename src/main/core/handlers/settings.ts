import type { Handlers } from '../../../shared/api'
import type { CoreContext } from '../context'

type SettingsHandlers = Pick<
  Handlers,
  'settings.get' | 'settings.set' | 'secrets.status' | 'secrets.set' | 'secrets.clear'
>

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
      ctx.log.info('key stored in the keychain', { account })
      const status = await secrets.status()
      events.emit('secrets.changed', status)
      return status
    },
    'secrets.clear': async ({ account }) => {
      await secrets.clear(account)
      ctx.log.info('key removed from the keychain', { account })
      const status = await secrets.status()
      events.emit('secrets.changed', status)
      return status
    },
  }
}
