// Issue 17 item 7: a token holder must not be able to send the stored keys elsewhere by changing
// a provider's address over the contract.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { DATABASE_FILE } from '../../../src/main/core/core'
import { startReplicateFake } from '../../fakes/replicate'
import { tempDir } from '../../helpers/temp'
import { REPLICATE_TOKEN, createTake, projectWithAudio, startJobsCore, waitFor } from './helpers'
import { providerHarness } from './provider-harness'

// No address override from the environment: the settings decide, as in the app.
const harness = providerHarness(startReplicateFake, () => ({}))

interface Seen {
  url: string
  authorization: string | null
}

/**
 * The network as the core sees it: https://custom.example reaches the fake (a proxy the user
 * set), the official address is unreachable here, loopback goes through. Records every request.
 */
function network(fakeUrl: string): { fetch: typeof globalThis.fetch; seen: Seen[] } {
  const seen: Seen[] = []
  const fetch: typeof globalThis.fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const headers = new Headers(init?.headers)
    seen.push({ url, authorization: headers.get('authorization') })
    if (url.startsWith('https://custom.example')) {
      return globalThis.fetch(url.replace('https://custom.example', fakeUrl), init)
    }
    if (url.startsWith('http://127.0.0.1')) return globalThis.fetch(input, init)
    return Promise.reject(new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } }))
  }
  return { fetch, seen }
}

describe('a stored key goes only to the address it was saved for', () => {
  it('settings.set to a plain-http address is refused; a take never sends Authorization there', async () => {
    const fake = await harness.fake({})
    const net = network(fake.url)
    const core = await harness.core(tempDir(), fake, { fetch: net.fetch })
    const { projectId } = await projectWithAudio(core)
    const refused = await core.dispatch('settings.set', { replicateBaseUrl: fake.url })
    expect(refused.ok).toBe(false)
    if (!refused.ok) {
      expect(refused.error.code).toBe('invalid_input')
      expect(refused.error.message).toMatch(/Replicate address must start with https/)
    }
    expect((await core.call('settings.get', {})).replicateBaseUrl).toBe('https://api.replicate.com')
    const g = await createTake(core, projectId, 'replicate', { prompt: 'stay home' })
    await waitFor(core, g.id, ['waiting_network'])
    const toFake = net.seen.filter((s) => s.url.startsWith(fake.url))
    expect(toFake.filter((s) => s.authorization !== null)).toEqual([])
    expect(fake.state.requests).toEqual([])
  })

  it('an http address stored before this check: takes are refused, the key is not sent', async () => {
    const fake = await harness.fake({})
    const net = network(fake.url)
    const dir = tempDir()
    const first = await harness.core(dir, fake, { fetch: net.fetch })
    const { projectId } = await projectWithAudio(first)
    first.close()
    // As an older version (or a hand-edited database) may have left it.
    const db = new Database(join(dir, DATABASE_FILE))
    db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(
      'replicateBaseUrl',
      JSON.stringify(fake.url),
    )
    db.close()
    const core = await harness.core(dir, fake, { fetch: net.fetch })
    const created = await core.dispatch('generations.create', {
      projectId,
      provider: 'replicate',
      params: { prompt: 'old setting' },
    })
    expect(created.ok).toBe(false)
    if (!created.ok) expect(created.error.message).toMatch(/enter the key again/)
    expect(net.seen.filter((s) => s.authorization !== null)).toEqual([])
  })

  it('a custom https address needs the key entered again; then it goes there', async () => {
    const fake = await harness.fake({})
    const net = network(fake.url)
    const core = await harness.core(tempDir(), fake, { fetch: net.fetch })
    const { projectId } = await projectWithAudio(core)
    await core.call('settings.set', { replicateBaseUrl: 'https://custom.example' })
    const refused = await core.dispatch('generations.create', {
      projectId,
      provider: 'replicate',
      params: { prompt: 'proxy' },
    })
    expect(refused.ok).toBe(false)
    if (!refused.ok) {
      expect(refused.error.field).toBe('provider')
      expect(refused.error.message).toMatch(
        /Replicate key was saved for https:\/\/api\.replicate\.com.*enter the key again/,
      )
    }
    expect(net.seen.filter((s) => s.authorization !== null)).toEqual([])
    await core.call('secrets.set', { account: 'replicate', value: REPLICATE_TOKEN })
    const g = await createTake(core, projectId, 'replicate', { prompt: 'proxy' })
    expect((await waitFor(core, g.id)).status).toBe('succeeded')
    const authed = net.seen.filter((s) => s.authorization !== null)
    expect(authed.length).toBeGreaterThan(0)
    expect(authed.every((s) => s.url.startsWith('https://custom.example/'))).toBe(true)
  })

  it('a key stays usable where it was saved, with the environment override the tests use', async () => {
    const fake = await harness.fake({})
    const core = await startJobsCore(tempDir(), { replicate: fake.url })
    try {
      const { projectId } = await projectWithAudio(core)
      const g = await createTake(core, projectId, 'replicate', { prompt: 'env' })
      expect((await waitFor(core, g.id)).status).toBe('succeeded')
    } finally {
      core.close()
    }
  })
})
