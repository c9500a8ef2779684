import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKeychainBackend } from '../../../src/main/core/secrets/keychain-backend'
import type { KeychainBackend } from '../../../src/main/core/secrets/secrets'
import { SECRET_ACCOUNTS } from '../../../src/shared/domain'
import { bundleChild } from '../../helpers/bundle'
import { startCore } from '../../helpers/core'
import { tempDir } from '../../helpers/temp'

// These tests need the real Secret Service: `npm run test:integration` runs them inside a private
// D-Bus session with an unlocked gnome-keyring (scripts/with-keyring.mjs).
const SERVICE = 'MusicSketchTest'
let keychain: KeychainBackend

beforeAll(async () => {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
    throw new Error(
      'no D-Bus session: run through `node scripts/with-keyring.mjs` (npm run test:integration)',
    )
  }
  const backend = createKeychainBackend(SERVICE)
  if (!backend) throw new Error('@napi-rs/keyring did not load')
  keychain = backend
  for (const account of SECRET_ACCOUNTS) await keychain.delete(account)
})

afterAll(async () => {
  for (const account of SECRET_ACCOUNTS) await keychain.delete(account)
})

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

describe('keys in the real keychain', () => {
  it('sets, reports and clears a key without ever returning it', async () => {
    const core = startCore(tempDir(), { keychain })
    const key = `r8_${'A1b2C3d4'.repeat(5)}`
    const before = await core.call('secrets.status', {})
    expect(before.keychainAvailable).toBe(true)
    expect(before.accounts.find((a) => a.account === 'replicate')).toMatchObject({
      set: false,
      source: null,
    })

    const answer = await core.dispatch('secrets.set', { account: 'replicate', value: key })
    expect(JSON.stringify(answer)).not.toContain(key)
    expect(await keychain.get('replicate')).toBe(key)
    const after = await core.call('secrets.status', {})
    expect(after.accounts.find((a) => a.account === 'replicate')).toMatchObject({
      set: true,
      source: 'keychain',
      environmentVariable: 'REPLICATE_API_TOKEN',
    })

    await core.call('secrets.clear', { account: 'replicate' })
    expect(await keychain.get('replicate')).toBeNull()
    core.close()
  })

  it('falls back to environment variables, read-only, and prefers the keychain', async () => {
    const core = startCore(tempDir(), {
      keychain,
      env: { SCENARIO_API_KEY: 'env-key', SCENARIO_API_SECRET: 'env-secret' },
    })
    let status = await core.call('secrets.status', {})
    expect(status.accounts.find((a) => a.account === 'scenario-key')).toMatchObject({
      set: true,
      source: 'environment',
    })
    await core.call('secrets.set', { account: 'scenario-key', value: 'keychain-key' })
    status = await core.call('secrets.status', {})
    expect(status.accounts.find((a) => a.account === 'scenario-key')?.source).toBe('keychain')
    await core.call('secrets.clear', { account: 'scenario-key' })
    status = await core.call('secrets.status', {})
    expect(status.accounts.find((a) => a.account === 'scenario-key')?.source).toBe('environment')
    core.close()
  })

  it('leaves no trace of a key in the data directory or the log', async () => {
    const dir = tempDir()
    const core = startCore(dir, { keychain })
    const key = `r8_leakcheck${Date.now()}XyZ`
    await core.call('secrets.set', { account: 'replicate', value: key })
    // Exercise the app: every kind of write the store does, and failures that get logged.
    const project = await core.call('projects.create', { name: 'Leak check' })
    const track = await core.call('tracks.create', { projectId: project.id })
    await core.call('tracks.update', { trackId: track.id, gainDb: -3, mute: true })
    await core.call('settings.set', { replicateBaseUrl: 'http://127.0.0.1:1' })
    await core.dispatch('secrets.set', { account: 'replicate', value: `${key} with spaces` })
    await core.dispatch('projects.get', { projectId: key })
    await core.call('secrets.status', {})
    core.close()

    const files = filesUnder(dir)
    expect(files.some((f) => f.endsWith('.sqlite'))).toBe(true)
    for (const file of files) expect(readFileSync(file).includes(key), file).toBe(false)
    expect(core.log.lines.length).toBeGreaterThan(0)
    for (const line of core.log.lines) expect(line).not.toContain(key)
    await keychain.delete('replicate')
  })
})

describe('without a keychain', () => {
  it('refuses to store a key, names the environment variables, and writes nothing', async () => {
    const child = await bundleChild(
      join(import.meta.dirname, '../children/secrets-without-keychain.ts'),
    )
    const env = { ...process.env }
    delete env.DBUS_SESSION_BUS_ADDRESS
    delete env.DISPLAY
    const run = spawnSync(process.execPath, [child], { env, encoding: 'utf8', timeout: 30_000 })
    const output = JSON.parse(run.stdout) as {
      status: { keychainAvailable: boolean }
      error: { code: string; message: string } | null
    }
    expect(output.status.keychainAvailable).toBe(false)
    expect(output.error?.code).toBe('keychain_unavailable')
    expect(output.error?.message).toMatch(
      /REPLICATE_API_TOKEN.*SCENARIO_API_KEY.*SCENARIO_API_SECRET/,
    )
    expect(output.error?.message).not.toContain('r8_shouldNeverBeStored')
  })
})
