import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { startHost, type Host } from '../../../src/main/host/server'
import { startCore, type TestCore } from '../../helpers/core'
import { tempDir } from '../../helpers/temp'

let host: Host | undefined
let core: TestCore | undefined
afterEach(async () => {
  await host?.close()
  core?.close()
})

async function start(): Promise<Host> {
  const dir = tempDir()
  const rendererDir = join(dir, 'renderer')
  mkdirSync(rendererDir)
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>MusicSketch</title>')
  writeFileSync(join(dir, 'secret.txt'), 'outside the renderer')
  core = startCore(join(dir, 'data'))
  host = await startHost({ core, rendererDir, log: core.log })
  return host
}

function get(port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => (body += chunk.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
      })
      req.on('error', reject)
      req.end()
    },
  )
}

function upgrade(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; ws?: WebSocket }>((resolve) => {
    const ws = new WebSocket(url, { headers })
    ws.on('open', () => resolve({ status: 101, ws }))
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }))
    ws.on('error', () => resolve({ status: 0 }))
  })
}

describe('browser-mode host', () => {
  it('prints a loopback URL with a token', async () => {
    const { url, port, token } = await start()
    expect(url).toBe(`http://127.0.0.1:${port}/?token=${token}`)
    expect(token.length).toBeGreaterThanOrEqual(32)
  })

  it('refuses pages without the right token (401) or with a foreign Host (403)', async () => {
    const { port, token } = await start()
    expect((await get(port, '/')).status).toBe(401)
    expect((await get(port, '/?token=wrong')).status).toBe(401)
    expect((await get(port, `/?token=${token}`, { host: 'evil.example:80' })).status).toBe(403)
    expect((await get(port, `/?token=${token}`, { origin: 'http://evil.example' })).status).toBe(
      403,
    )
    const page = await get(port, `/?token=${token}`)
    expect(page.status).toBe(200)
    expect(page.body).toContain('MusicSketch')
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'")
    expect(String(page.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/)
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

  it('serves the audio of an asset by id, AIFF as WAV, and nothing without the token', async () => {
    const { port, token } = await start()
    const project = await core!.call('projects.create', { name: 'Media' })
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
    const asset = await core!.call('assets.import', { projectId: project.id, path: aiff })
    const served = await get(port, `/media/${asset.id}?token=${token}`)
    expect(served.status).toBe(200)
    expect(served.headers['content-type']).toBe('audio/wav')
    expect(served.body.startsWith('RIFF')).toBe(true)
    expect((await get(port, `/media/${asset.id}`)).status).toBe(401)
    expect(
      (await get(port, `/media/00000000-0000-4000-8000-000000000000?token=${token}`)).status,
    ).toBe(404)
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
