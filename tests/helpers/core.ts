import type { MethodInput, MethodName, MethodResult } from '../../src/shared/api'
import { createCore, type Core, type CoreOptions } from '../../src/main/core/core'
import type { Log, LogFields } from '../../src/main/core/log'
import { Secrets, type KeychainBackend } from '../../src/main/core/secrets/secrets'
import { workerScript } from './worker-script'

export interface CapturedLog extends Log {
  lines: string[]
}

export function captureLog(): CapturedLog {
  const lines: string[] = []
  const write = (level: string) => (message: string, fields?: LogFields) =>
    lines.push(`${level} ${message} ${fields ? JSON.stringify(fields) : ''}`)
  return { lines, info: write('info'), warn: write('warn'), error: write('error') }
}

/** An in-memory keychain for tests that are not about the keychain itself. */
export function memoryKeychain(): KeychainBackend {
  const values = new Map<string, string>()
  return {
    get: (account) => Promise.resolve(values.get(account) ?? null),
    set: (account, value) => {
      values.set(account, value)
      return Promise.resolve()
    },
    delete: (account) => {
      values.delete(account)
      return Promise.resolve()
    },
  }
}

export interface TestCore extends Core {
  log: CapturedLog
  /** Calls through the contract (validation included) and unwraps a success. */
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodResult<M>>
}

export interface StartCoreOptions {
  keychain?: KeychainBackend | null
  env?: Record<string, string>
  /** Default: every request fails (no network in this test). */
  fetch?: typeof globalThis.fetch
  sleep?: CoreOptions['sleep']
  random?: CoreOptions['random']
  clock?: () => number
  providerClients?: CoreOptions['providerClients']
  /** Default: the bundled worker entry, so heavy work runs on worker threads as in the app. */
  workerScript?: string | null
  mediaUrl?: CoreOptions['mediaUrl']
  files?: CoreOptions['files']
  /** The bundled local engine worker; without it the local provider fails its takes. */
  localEngineScript?: string
}

export function startCore(dataDir: string, options: StartCoreOptions = {}): TestCore {
  const log = captureLog()
  const core = createCore({
    dataDir,
    secrets: new Secrets(
      options.keychain === undefined ? memoryKeychain() : options.keychain,
      options.env ?? {},
    ),
    fetch: options.fetch ?? (() => Promise.reject(new Error('no network in this test'))),
    clock: options.clock ?? Date.now,
    log,
    mode: 'browser',
    env: options.env ?? {},
    sleep: options.sleep,
    random: options.random,
    providerClients: options.providerClients,
    mediaUrl: options.mediaUrl,
    files: options.files,
    workerScript:
      options.workerScript === null ? undefined : (options.workerScript ?? workerScript()),
    localEngineScript: options.localEngineScript,
  })
  return {
    ...core,
    log,
    call: async (method, input) => {
      const result = await core.dispatch(method, input)
      if (!result.ok) throw new Error(`${method} failed: ${JSON.stringify(result.error)}`)
      return result.value as never
    },
  }
}
