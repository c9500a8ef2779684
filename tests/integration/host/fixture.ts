import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterEach, expect } from 'vitest'
import { WebSocket } from 'ws'
import { MediaCapabilities } from '../../../src/main/host/media-capabilities'
import { startHost, type Host } from '../../../src/main/host/server'
import { startCore, type TestCore } from '../../helpers/core'
import { tempDir } from '../../helpers/temp'

/** A browser-mode host on a fresh data directory per test, and plain HTTP/WebSocket clients. */
export function useHost() {
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
    const capabilities = new MediaCapabilities()
    core = startCore(join(dir, 'data'), { mediaUrl: (assetId) => capabilities.urlFor(assetId) })
    host = await startHost({ core, rendererDir, log: core.log, capabilities })
    return host
  }

  function wav440(seconds = 0.5): string {
    const path = join(tempDir(), 'tone.wav')
    const made = spawnSync('sox', [
      '-n',
      '-r',
      '48000',
      '-c',
      '2',
      '-b',
      '16',
      path,
      'synth',
      String(seconds),
      'sine',
      '440',
    ])
    expect(made.status).toBe(0)
    return path
  }

  function send(
    port: number,
    method: string,
    path: string,
    body: Buffer,
    headers: Record<string, string> = {},
  ) {
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
        let text = ''
        res.on('data', (chunk: Buffer) => (text += chunk.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      })
      req.on('error', reject)
      req.end(body)
    })
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

  return {
    start,
    get,
    send,
    upgrade,
    wav440,
    core: () => {
      if (!core) throw new Error('start() first')
      return core
    },
  }
}
