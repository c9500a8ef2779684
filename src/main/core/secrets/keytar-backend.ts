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
    get: (account: SecretAccount) => keytar.getPassword(service, account),
    set: (account: SecretAccount, value: string) => keytar.setPassword(service, account, value),
    delete: async (account: SecretAccount) => {
      await keytar.deletePassword(service, account)
    },
  }
}
