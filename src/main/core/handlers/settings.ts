import type { Handlers } from '../../../shared/api'
import type { SecretAccount, SecretsStatus } from '../../../shared/domain'
import type { Provider } from '../../../shared/musicgen'
import { AppError } from '../app-error'
import type { CoreContext } from '../context'
import type { JobQueue } from '../jobs/queue'
import { checkKey } from '../providers/key-check'
import { allDescriptors, descriptorOf } from '../providers/registry'

type SettingsHandlers = Pick<
  Handlers,
  | 'settings.get'
  | 'settings.set'
  | 'secrets.status'
  | 'secrets.set'
  | 'secrets.clear'
  | 'secrets.check'
>

function providerOfAccount(account: SecretAccount): Provider {
  const provider = allDescriptors().find((d) => d.credentials?.accounts.includes(account))?.id
  if (provider === undefined) throw new Error(`no provider uses the key ${account}`)
  return provider
}

/** Keys are checked with the clients the takes use (address, key binding, rate limit). */
export function settingsHandlers(
  ctx: CoreContext,
  queue: Pick<JobQueue, 'clientFor' | 'providerUnreachable'>,
): SettingsHandlers {
  const { db, settings, secrets, events } = ctx

  /** The keys, and the last check of each provider whose keys are all there. */
  const status = async (): Promise<SecretsStatus> => {
    const keychain = await secrets.status()
    const set = new Set(keychain.accounts.filter((a) => a.set).map((a) => a.account))
    const checks = settings
      .keyChecks()
      .filter((c) => descriptorOf(c.provider).credentials?.accounts.every((a) => set.has(a)))
    const accounts = keychain.accounts.map((a) => ({
      ...a,
      provider: providerOfAccount(a.account),
    }))
    return { ...keychain, accounts, checks }
  }

  const changed = async (): Promise<SecretsStatus> => {
    const current = await status()
    events.emit('secrets.changed', current)
    return current
  }

  /** Whether every key the provider needs is there (Scenario: key and secret). */
  const complete = async (provider: Provider): Promise<boolean> => {
    const accounts = descriptorOf(provider).credentials?.accounts ?? []
    const values = await Promise.all(accounts.map((a) => secrets.resolve(a)))
    return values.every((v) => v !== null)
  }

  /** Asks the provider about its keys and keeps the answer; never throws for the answer. */
  const check = async (provider: Provider): Promise<void> => {
    const result = await checkKey(
      provider,
      queue.clientFor(provider),
      ctx.clock,
      new AbortController().signal,
      (cause) => queue.providerUnreachable(provider, cause),
    )
    settings.recordKeyCheck(result)
    const fields = { provider, result: result.result, cause: result.cause }
    if (result.result === 'valid') ctx.log.info('key checked', fields)
    else ctx.log.warn('key checked', fields)
  }

  return {
    'settings.get': () => settings.get(),
    'settings.set': (patch) => {
      const updated = db.transaction(() => settings.set(patch))
      events.emit('settings.changed', updated)
      return updated
    },

    'secrets.status': () => status(),
    'secrets.set': async ({ account, value }) => {
      await secrets.set(account, value)
      ctx.log.info('key stored in the keychain', { account })
      const provider = providerOfAccount(account)
      // The key was entered for the address set now: it may go there (and only there).
      settings.bindKey(provider, account)
      settings.forgetKeyCheck(provider)
      // Saved whatever the answer: a key entered offline is kept and checked by its first take.
      if (await complete(provider)) await check(provider)
      return changed()
    },
    'secrets.clear': async ({ account }) => {
      await secrets.clear(account)
      settings.unbindKey(account)
      settings.forgetKeyCheck(providerOfAccount(account))
      ctx.log.info('key removed from the keychain', { account })
      return changed()
    },
    'secrets.check': async ({ provider }) => {
      const credentials = descriptorOf(provider).credentials
      if (credentials === null) {
        throw new AppError(
          'invalid_input',
          `${descriptorOf(provider).inSentence} takes no key: there is nothing to check`,
          'provider',
        )
      }
      if (!(await complete(provider))) {
        throw new AppError('invalid_input', credentials.missing, 'provider')
      }
      await check(provider)
      return changed()
    },
  }
}
