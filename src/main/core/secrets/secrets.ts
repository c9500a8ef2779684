import { SECRET_ACCOUNTS, type SecretAccount, type SecretStatus } from '../../../shared/domain'
import { AppError } from '../app-error'

/** What the keychain and the environment hold (which provider, and its checks, are known above). */
export interface KeychainStatus {
  keychainAvailable: boolean
  accounts: Omit<SecretStatus, 'provider'>[]
}

/** The OS keychain as the core sees it. Implementations reject when no keychain is reachable. */
export interface KeychainBackend {
  get(account: SecretAccount): Promise<string | null>
  set(account: SecretAccount, value: string): Promise<void>
  delete(account: SecretAccount): Promise<void>
}

export const SECRET_ENVIRONMENT: Record<SecretAccount, string> = {
  replicate: 'REPLICATE_API_TOKEN',
  'scenario-key': 'SCENARIO_API_KEY',
  'scenario-secret': 'SCENARIO_API_SECRET',
}

const ENV_LIST = Object.values(SECRET_ENVIRONMENT).join(', ')

/**
 * Keys live in the keychain; environment variables are a read-only fallback. Nothing here returns
 * a key to the contract: only `resolve` (used by provider clients inside main) sees values.
 */
export class Secrets {
  constructor(
    private readonly keychain: KeychainBackend | null,
    private readonly env: Readonly<Record<string, string | undefined>>,
  ) {}

  async status(): Promise<KeychainStatus> {
    let keychainAvailable = this.keychain !== null
    const accounts = await Promise.all(
      SECRET_ACCOUNTS.map(async (account) => {
        let inKeychain = false
        if (this.keychain && keychainAvailable) {
          try {
            inKeychain = (await this.keychain.get(account)) !== null
          } catch {
            keychainAvailable = false
          }
        }
        const inEnvironment = Boolean(this.env[SECRET_ENVIRONMENT[account]])
        const source = inKeychain ? 'keychain' : inEnvironment ? 'environment' : null
        return {
          account,
          set: source !== null,
          source,
          environmentVariable: SECRET_ENVIRONMENT[account],
        } as const
      }),
    )
    return { keychainAvailable, accounts }
  }

  async set(account: SecretAccount, value: string): Promise<void> {
    const keychain = this.#requireKeychain()
    try {
      await keychain.set(account, value)
    } catch (error) {
      throw unavailable(error)
    }
  }

  async clear(account: SecretAccount): Promise<void> {
    const keychain = this.#requireKeychain()
    try {
      await keychain.delete(account)
    } catch (error) {
      throw unavailable(error)
    }
  }

  /** For provider clients in main only; never passed to the contract, a log or the database. */
  async resolve(account: SecretAccount): Promise<string | null> {
    if (this.keychain) {
      try {
        const stored = await this.keychain.get(account)
        if (stored) return stored
      } catch {
        /* fall back to the environment */
      }
    }
    return this.env[SECRET_ENVIRONMENT[account]] || null
  }

  #requireKeychain(): KeychainBackend {
    if (!this.keychain) throw unavailable(null)
    return this.keychain
  }
}

function unavailable(cause: unknown): AppError {
  const reason = cause instanceof Error ? ` (${cause.message.split('\n')[0]})` : ''
  return new AppError(
    'keychain_unavailable',
    `No system keychain is available to store the key${reason}. ` +
      `Set it in the environment instead (${ENV_LIST}) and restart MusicSketch; keys are never written to disk in plain text.`,
  )
}
