import { createRequire } from 'node:module'
import type { SecretAccount } from '../../../shared/domain'
import type { KeychainBackend } from './secrets'

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>
  setPassword(service: string, account: string, password: string): Promise<void>
  deletePassword(service: string, account: string): Promise<boolean>
}

export const KEYCHAIN_SERVICE = 'MusicSketch'

/**
 * The OS keychain through keytar (Node-API 3: one binary for Node and Electron). Returns null when
 * the native module cannot load at all, so the app still runs with environment keys.
 */
export function createKeytarBackend(service = KEYCHAIN_SERVICE): KeychainBackend | null {
  let keytar: Keytar
  try {
    keytar = createRequire(import.meta.url)('keytar') as Keytar
  } catch {
    return null
  }
  return {
    get: (account: SecretAccount) => withTimeout(keytar.getPassword(service, account)),
    set: (account: SecretAccount, value: string) =>
      withTimeout(keytar.setPassword(service, account, value)),
    delete: async (account: SecretAccount) => {
      await withTimeout(keytar.deletePassword(service, account))
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
