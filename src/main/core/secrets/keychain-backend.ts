import { createRequire } from 'node:module'
import type { SecretAccount } from '../../../shared/domain'
import { createLegacyKeytarStore, type LegacyKeytarStore } from './legacy-keytar'
import type { KeychainBackend } from './secrets'

interface KeyringEntry {
  getPassword(): Promise<string | null | undefined>
  setPassword(password: string): Promise<void>
  deleteCredential(): Promise<boolean>
}
interface KeyringModule {
  AsyncEntry: {
    withTarget(
      target: string,
      service: string,
      account: string,
      options?: { linux?: { store?: 'secret-service' | 'keyutils' } },
    ): KeyringEntry
    new (
      service: string,
      account: string,
      options?: { linux?: { store?: 'secret-service' | 'keyutils' } },
    ): KeyringEntry
  }
}

export const KEYCHAIN_SERVICE = 'MusicSketch'

/**
 * The OS keychain through @napi-rs/keyring (Node-API, binaries inside the npm packages: no
 * compiler at install). On Linux only the Secret Service is accepted: the package's silent
 * fallback to the kernel keyring would lose keys at reboot. Returns null when the native module
 * cannot load at all, so the app still runs with environment keys.
 *
 * Keys saved by earlier builds (keytar) are found under the same service and account names: on
 * macOS both are generic passwords keyed by service + account; on Windows the target name is
 * keytar's `service/account`; on Linux keytar's items carry `account` where this package writes
 * `username`, so a miss looks for keytar's item and moves it over (legacy-keytar.ts).
 */
export function createKeychainBackend(
  service = KEYCHAIN_SERVICE,
  legacy: LegacyKeytarStore | null = process.platform === 'linux'
    ? createLegacyKeytarStore()
    : null,
): KeychainBackend | null {
  let keyring: KeyringModule
  try {
    keyring = createRequire(import.meta.url)('@napi-rs/keyring') as KeyringModule
  } catch {
    return null
  }
  const entry = (account: SecretAccount): KeyringEntry =>
    process.platform === 'win32'
      ? // keytar's Windows target name, so keys saved by earlier versions are found
        keyring.AsyncEntry.withTarget(`${service}/${account}`, service, account)
      : new keyring.AsyncEntry(service, account, { linux: { store: 'secret-service' } })
  const set = async (account: SecretAccount, value: string) => {
    await entry(account).setPassword(value)
    // An older key left behind would come back after the new one is cleared.
    await legacy?.remove(service, account)
  }
  // Accounts whose keytar item was looked for already: no keytar build writes new ones, so one
  // look per account and run is enough (status asks for every account often).
  const lookedForLegacy = new Set<SecretAccount>()
  const get = async (account: SecretAccount): Promise<string | null> => {
    const stored = await entry(account).getPassword()
    if (stored !== null && stored !== undefined) return stored
    if (!legacy || lookedForLegacy.has(account)) return null
    const old = await legacy.read(service, account)
    if (old !== null) await set(account, old)
    lookedForLegacy.add(account)
    return old
  }
  return {
    get: (account: SecretAccount) => withTimeout(get(account)),
    set: (account: SecretAccount, value: string) => withTimeout(set(account, value)),
    delete: (account: SecretAccount) =>
      withTimeout(
        (async () => {
          await entry(account).deleteCredential()
          await legacy?.remove(service, account)
        })(),
      ),
  }
}

const KEYCHAIN_TIMEOUT_MS = 10_000

// A Secret Service that never answers (a locked keyring with no prompt) must not hang a call.
function withTimeout<T>(operation: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the keychain did not answer')), KEYCHAIN_TIMEOUT_MS)
  })
  return Promise.race([operation, timeout]).finally(() => clearTimeout(timer))
}
