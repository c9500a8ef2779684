import { createRequire } from 'node:module'
import type { SecretAccount } from '../../../shared/domain'
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
 */
export function createKeychainBackend(service = KEYCHAIN_SERVICE): KeychainBackend | null {
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
  return {
    get: async (account: SecretAccount) =>
      (await withTimeout(Promise.resolve().then(() => entry(account).getPassword()))) ?? null,
    set: (account: SecretAccount, value: string) =>
      withTimeout(Promise.resolve().then(() => entry(account).setPassword(value))),
    delete: async (account: SecretAccount) => {
      await withTimeout(Promise.resolve().then(() => entry(account).deleteCredential()))
    },
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
