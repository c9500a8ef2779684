import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createKeychainBackend } from '../../../src/main/core/secrets/keychain-backend'
import type { KeychainBackend } from '../../../src/main/core/secrets/secrets'
import { SECRET_ACCOUNTS } from '../../../src/shared/domain'
import { bundleChild } from '../../helpers/bundle'

// Keys saved by the keytar builds of MusicSketch, planted the way keytar stored them on Linux:
// libsecret's secret_password_store with the schema org.freedesktop.Secret.Generic and the
// attributes service + account, label "service/account" (keytar's src/keytar_posix.cc).
// secret-tool (libsecret-tools) is libsecret's own command line, so the item is libsecret's, not
// ours. Runs inside scripts/with-keyring.mjs (a private D-Bus session with gnome-keyring).
const SERVICE = 'MusicSketchLegacyTest'
let keychain: KeychainBackend

function secretTool(args: string[], input?: string): string {
  const run = spawnSync('secret-tool', args, { input, encoding: 'utf8', timeout: 30_000 })
  if (run.error)
    throw new Error(`secret-tool: ${run.error.message} (apt-get install libsecret-tools)`)
  // lookup and clear exit 1 when there is no such item
  if (run.status !== 0 && args[0] === 'store')
    throw new Error(`secret-tool ${args[0]}: ${run.stderr}`)
  return run.stdout
}

function plantKeytarItem(account: string, value: string): void {
  secretTool(
    [
      'store',
      `--label=${SERVICE}/${account}`,
      'xdg:schema',
      'org.freedesktop.Secret.Generic',
      'service',
      SERVICE,
      'account',
      account,
    ],
    value,
  )
}

const keytarItem = (account: string) =>
  secretTool(['lookup', 'service', SERVICE, 'account', account])
const newItem = (account: string) => secretTool(['lookup', 'service', SERVICE, 'username', account])

beforeAll(() => {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
    throw new Error('no D-Bus session: run through `node scripts/with-keyring.mjs`')
  }
  const backend = createKeychainBackend(SERVICE)
  if (!backend) throw new Error('@napi-rs/keyring did not load')
  keychain = backend
})

afterEach(async () => {
  for (const account of SECRET_ACCOUNTS) {
    await keychain.delete(account)
    secretTool(['clear', 'service', SERVICE, 'account', account])
  }
})

describe('keys saved by the keytar builds', () => {
  it('are found under the same service and account, and moved to the new item', async () => {
    const key = `r8_${'legacyKey1'.repeat(4)}`
    plantKeytarItem('replicate', key)
    expect(keytarItem('replicate')).toBe(key)

    expect(await keychain.get('replicate')).toBe(key)
    expect(newItem('replicate')).toBe(key)
    expect(keytarItem('replicate')).toBe('')
    // Found again from the new item alone.
    expect(await keychain.get('replicate')).toBe(key)
  })

  it('reads non-ASCII secrets byte for byte', async () => {
    plantKeytarItem('scenario-secret', 'sécrèt-ключ-秘密')
    expect(await keychain.get('scenario-secret')).toBe('sécrèt-ключ-秘密')
  })

  it('stay cleared when the key is cleared', async () => {
    plantKeytarItem('scenario-key', 'old-scenario-key')
    await keychain.delete('scenario-key')
    expect(keytarItem('scenario-key')).toBe('')
    expect(await keychain.get('scenario-key')).toBeNull()
  })

  it('do not come back after a new key replaces and then clears them', async () => {
    plantKeytarItem('replicate', 'old-token')
    await keychain.set('replicate', 'new-token')
    expect(await keychain.get('replicate')).toBe('new-token')
    await keychain.delete('replicate')
    expect(await keychain.get('replicate')).toBeNull()
  })

  it('leave other services and accounts alone', async () => {
    plantKeytarItem('replicate', 'mine')
    secretTool(
      ['store', '--label=other', 'service', 'SomeOtherApp', 'account', 'replicate'],
      'theirs',
    )
    expect(await keychain.get('scenario-key')).toBeNull()
    await keychain.delete('scenario-key')
    expect(keytarItem('replicate')).toBe('mine')
    expect(secretTool(['lookup', 'service', 'SomeOtherApp', 'account', 'replicate'])).toBe('theirs')
    secretTool(['clear', 'service', 'SomeOtherApp', 'account', 'replicate'])
  })
})

describe('keys saved by the keytar builds, in a locked keyring', () => {
  it('asks to unlock, and when the prompt is dismissed finds nothing and deletes nothing', async () => {
    // Its own D-Bus session and keyring: locking the shared one would lock the other tests out.
    const child = await bundleChild(
      join(import.meta.dirname, '../children/legacy-keytar-locked.ts'),
    )
    const run = spawnSync(
      process.execPath,
      [join(import.meta.dirname, '../../../scripts/with-keyring.mjs'), process.execPath, child],
      { encoding: 'utf8', timeout: 60_000 },
    )
    const output = JSON.parse(run.stdout) as {
      locked: boolean
      found: string | null
      error: string | null
      stillStored: boolean
    }
    expect(output.locked).toBe(true)
    expect(output).toMatchObject({ found: null, stillStored: true })
  })
})
