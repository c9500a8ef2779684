import { connectDbus, type DbusConnection, sessionBusSocket } from './dbus/connection'
import type { Variant } from './dbus/wire'

/**
 * Keys saved by MusicSketch builds that used keytar. On Linux keytar (libsecret) stored Secret
 * Service items with the attributes `service` and `account`; @napi-rs/keyring stores and searches
 * `service` and `username`, so it never sees them. This reads and removes those items over the
 * session bus directly (org.freedesktop.Secret.Service: OpenSession "plain", SearchItems,
 * GetSecrets, Item.Delete), with no libsecret and no compiler. On macOS and Windows the stores
 * agree already (see keychain-backend.ts).
 */
export interface LegacyKeytarStore {
  /** The secret keytar stored for service/account, or null. */
  read(service: string, account: string): Promise<string | null>
  /** Removes every keytar item for service/account. */
  remove(service: string, account: string): Promise<void>
}

const SECRETS = 'org.freedesktop.secrets'
const SERVICE_PATH = '/org/freedesktop/secrets'
const SERVICE_INTERFACE = 'org.freedesktop.Secret.Service'
const NO_PROMPT = '/'

export function createLegacyKeytarStore(env: NodeJS.ProcessEnv = process.env): LegacyKeytarStore {
  const withBus = async <T>(nothing: T, use: (bus: DbusConnection) => Promise<T>): Promise<T> => {
    const socket = sessionBusSocket(env)
    // No session bus we can reach: no Secret Service, so no keytar items either.
    if (!socket) return nothing
    const bus = await connectDbus(socket)
    try {
      return await use(bus)
    } finally {
      bus.close()
    }
  }
  return {
    read: (service, account) =>
      withBus(null, async (bus) => {
        const items = await unlockedItems(bus, service, account)
        if (items.length === 0) return null
        const [, session] = await callService(bus, 'OpenSession', 'sv', [
          'plain',
          { signature: 's', value: '' } satisfies Variant,
        ])
        const [secrets] = await callService(bus, 'GetSecrets', 'aoo', [items, session])
        // a{o(oayays)}: item → (session, parameters, value, content type)
        const found = new Map(secrets as [string, [string, Buffer, Buffer, string]][])
        for (const item of items) {
          const secret = found.get(item)
          if (secret) return secret[2].toString('utf8')
        }
        return null
      }),
    remove: (service, account) =>
      withBus(undefined, async (bus) => {
        for (const item of await unlockedItems(bus, service, account)) {
          const [prompt] = await bus.call({
            destination: SECRETS,
            path: item,
            interface: 'org.freedesktop.Secret.Item',
            member: 'Delete',
          })
          await runPrompt(bus, prompt as string)
        }
      }),
  }
}

async function unlockedItems(
  bus: DbusConnection,
  service: string,
  account: string,
): Promise<string[]> {
  const attributes = [
    ['service', service],
    ['account', account],
  ]
  const [unlocked, locked] = (await callService(bus, 'SearchItems', 'a{ss}', [attributes])) as [
    string[],
    string[],
  ]
  if (locked.length === 0) return unlocked
  // A locked keyring asks the user to unlock it, as keytar's libsecret did.
  const [unlockedNow, prompt] = (await callService(bus, 'Unlock', 'ao', [locked])) as [
    string[],
    string,
  ]
  const fromPrompt = await runPrompt(bus, prompt)
  return [...unlocked, ...unlockedNow, ...fromPrompt]
}

/** Shows a Secret Service prompt and waits for it; returns the object paths it unlocked. */
async function runPrompt(bus: DbusConnection, prompt: string): Promise<string[]> {
  if (prompt === NO_PROMPT) return []
  await bus.call({
    destination: 'org.freedesktop.DBus',
    path: '/org/freedesktop/DBus',
    interface: 'org.freedesktop.DBus',
    member: 'AddMatch',
    signature: 's',
    body: [`type='signal',interface='org.freedesktop.Secret.Prompt',path='${prompt}'`],
  })
  const completed = bus.nextSignal(prompt, 'Completed')
  await bus.call({
    destination: SECRETS,
    path: prompt,
    interface: 'org.freedesktop.Secret.Prompt',
    member: 'Prompt',
    signature: 's',
    body: [''],
  })
  const [dismissed, result] = (await completed) as [boolean, Variant]
  return dismissed || !Array.isArray(result.value) ? [] : (result.value as string[])
}

function callService(
  bus: DbusConnection,
  member: string,
  signature: string,
  body: unknown[],
): Promise<unknown[]> {
  return bus.call({
    destination: SECRETS,
    path: SERVICE_PATH,
    interface: SERVICE_INTERFACE,
    member,
    signature,
    body,
  })
}
