import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MediaCapabilities } from '../../../src/main/host/media-capabilities'
import { tempDir } from '../../helpers/temp'
import { useHost } from './fixture'

const { start, get, send, upgrade, wav440, core } = useHost()

describe('browser-mode host', () => {
  it('prints a loopback URL with a token', async () => {
    const { url, port, token } = await start()
    expect(url).toBe(`http://127.0.0.1:${port}/?token=${token}`)
    expect(token.length).toBeGreaterThanOrEqual(32)
  })

  it('serves the built renderer (public code, no data) only to its own Host and Origin', async () => {
    const { port, token } = await start()
    expect((await get(port, `/?token=${token}`, { host: 'evil.example:80' })).status).toBe(403)
    expect((await get(port, `/?token=${token}`, { origin: 'http://evil.example' })).status).toBe(
      403,
    )
    const page = await get(port, `/?token=${token}`)
    expect(page.status).toBe(200)
    expect(page.body).toContain('MusicSketch')
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'")
  })

  it('puts no credential in a cookie and honours none (cookies reach every port)', async () => {
    const { port, token } = await start()
    for (const path of ['/', `/?token=${token}`, '/index.html']) {
      expect((await get(port, path)).headers['set-cookie']).toBeUndefined()
    }
    const base = `ws://127.0.0.1:${port}/rpc`
    expect((await upgrade(base, { cookie: `musicsketch_token=${token}` })).status).toBe(401)
    expect(
      (await upgrade(`${base}?token=${token}`, { cookie: 'musicsketch_token=wrong' })).status,
    ).toBe(101)
  })

  it('serves nothing outside the built renderer', async () => {
    const { port, token } = await start()
    expect((await get(port, `/..%2fsecret.txt?token=${token}`)).status).toBe(404)
    expect((await get(port, `/../secret.txt?token=${token}`)).status).toBe(404)
  })

  it('refuses the socket without a token, with a wrong one, or from a foreign origin', async () => {
    const { port, token } = await start()
    const base = `ws://127.0.0.1:${port}/rpc`
    expect((await upgrade(base)).status).toBe(401)
    expect((await upgrade(`${base}?token=nope`)).status).toBe(401)
    expect(
      (await upgrade(`${base}?token=${token}`, { origin: 'http://evil.example' })).status,
    ).toBe(403)
    expect(
      (await upgrade(`${base}?token=${token}`, { origin: `http://localhost.evil:${port}` })).status,
    ).toBe(403)
    const ok = await upgrade(`${base}?token=${token}`, { origin: `http://127.0.0.1:${port}` })
    expect(ok.status).toBe(101)
    ok.ws?.close()
  })

  it("serves an asset's audio (AIFF as WAV) only by its short-lived capability URL", async () => {
    const { port, token } = await start()
    const project = await core().call('projects.create', { name: 'Media' })
    const aiff = join(tempDir(), 'tone.aiff')
    const made = spawnSync('sox', [
      '-n',
      '-r',
      '32000',
      '-c',
      '1',
      '-b',
      '16',
      aiff,
      'synth',
      '0.5',
      'sine',
      '440',
    ])
    expect(made.status).toBe(0)
    const asset = await core().call('assets.import', { projectId: project.id, path: aiff })
    const other = await core().call('assets.import', { projectId: project.id, path: wav440() })
    const { url } = await core().call('assets.mediaUrl', { assetId: asset.id })
    expect(url).toMatch(new RegExp(`^/media/${asset.id}\\?cap=[0-9a-z]+\\.[\\w-]{43}$`))
    expect(url).not.toContain(token)
    const served = await get(port, url)
    expect(served.status).toBe(200)
    expect(served.headers['content-type']).toBe('audio/wav')
    expect(served.headers['set-cookie']).toBeUndefined()
    expect(served.body.startsWith('RIFF')).toBe(true)
    // The token is no key to media, nor is one asset's capability to another's.
    expect((await get(port, `/media/${asset.id}?token=${token}`)).status).toBe(403)
    expect((await get(port, url.replace(asset.id, other.id))).status).toBe(403)
    expect((await get(port, url.slice(0, -2) + 'AA')).status).toBe(403)
    expect((await get(port, url, { host: 'evil.example' })).status).toBe(403)
    // Read-only.
    expect((await send(port, 'PUT', url, Buffer.from('x'))).status).toBe(405)
    expect(
      await core().dispatch('assets.mediaUrl', { assetId: '00000000-0000-4000-8000-000000000000' }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } })
  })

  it('lets a media URL expire', () => {
    let now = 1_000_000
    const capabilities = new MediaCapabilities(() => now, 60_000)
    const assetId = '00000000-0000-4000-8000-000000000001'
    const cap = new URL(capabilities.urlFor(assetId), 'http://x').searchParams.get('cap')
    expect(capabilities.allows(assetId, cap)).toBe(true)
    now += 60_001
    expect(capabilities.allows(assetId, cap)).toBe(false)
    // Another instance (another key) honours none of this one's URLs.
    expect(new MediaCapabilities(() => 0).allows(assetId, cap)).toBe(false)
  })

  it('answers JSON-RPC 2.0 calls with contract results and pushes events as notifications', async () => {
    const { port, token } = await start()
    const { ws } = await upgrade(`ws://127.0.0.1:${port}/rpc?token=${token}`)
    if (!ws) throw new Error('no socket')
    const messages: unknown[] = []
    ws.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString())))
    const waitFor = async (predicate: (m: unknown) => boolean) => {
      for (let i = 0; i < 200 && !messages.some(predicate); i++)
        await new Promise((r) => setTimeout(r, 10))
      return messages.find(predicate)
    }

    ws.send(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'projects.create',
        params: { name: 'Over RPC' },
      }),
    )
    expect(await waitFor((m) => (m as { id?: number }).id === 1)).toMatchObject({
      jsonrpc: '2.0',
      id: 1,
      result: { ok: true, value: { name: 'Over RPC' } },
    })
    expect(
      await waitFor((m) => (m as { method?: string }).method === 'projects.changed'),
    ).toMatchObject({
      jsonrpc: '2.0',
      method: 'projects.changed',
    })

    ws.send(
      JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'projects.create', params: { name: '' } }),
    )
    expect(await waitFor((m) => (m as { id?: number }).id === 2)).toMatchObject({
      result: { ok: false, error: { code: 'invalid_input', field: 'name' } },
    })
    ws.send('{not json')
    expect(
      await waitFor((m) => (m as { error?: { code: number } }).error?.code === -32700),
    ).toBeTruthy()
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'nope.nothing' }))
    expect(await waitFor((m) => (m as { id?: number }).id === 3)).toMatchObject({
      result: { ok: false, error: { code: 'unknown_method' } },
    })
    ws.close()
  })
})
