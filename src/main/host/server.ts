import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Core } from '../core/core'
import type { Log } from '../core/log'
import { checkAccess, checkOrigin, checkToken } from './access'
import { handleRpcFrame, notification } from './json-rpc'
import { MediaCapabilities } from './media-capabilities'
import { readStaticFile } from './static-files'
import { createUploadRoute } from './uploads'

export interface HostOptions {
  core: Core
  rendererDir: string
  log: Log
  port?: number
  token?: string
  /** Signs and checks media URLs; the core's `assets.mediaUrl` must use the same (cli.ts). */
  capabilities?: MediaCapabilities
}

export interface Host {
  url: string
  port: number
  token: string
  close(): Promise<void>
}

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** Contract calls are small; audio travels by upload (uploads.ts), not in a frame. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024

/** Browser mode: the built renderer and the contract (JSON-RPC over WebSocket) on 127.0.0.1 only. */
export async function startHost(options: HostOptions): Promise<Host> {
  const { core, rendererDir, log } = options
  const token = options.token ?? randomBytes(24).toString('base64url')
  const capabilities = options.capabilities ?? new MediaCapabilities()
  const upload = createUploadRoute((uploadId) => core.uploadPath(uploadId), log)
  let port = options.port ?? 0
  const sockets = new Set<WebSocket>()
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES })

  const refuse = (response: ServerResponse, status: number, reason: string) => {
    response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' })
    response.end(`${status === 401 ? 'Unauthorized' : 'Forbidden'}: ${reason}\n`)
  }

  /**
   * Routes a request that passed the Host and Origin checks: uploads need the token, media a
   * capability for that asset, and the built renderer (public code, no data) nothing more.
   */
  const route = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const uploadId = /^\/uploads\/([0-9a-f-]{36})$/.exec(url.pathname)?.[1]
    if (uploadId) {
      const verdict = checkToken(request, token)
      if (!verdict.allowed) return refuse(response, verdict.status, verdict.reason)
      return upload(uploadId, request, response)
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    const assetId = /^\/media\/([0-9a-f-]{36})$/.exec(url.pathname)?.[1]
    if (assetId) {
      if (!capabilities.allows(assetId, url.searchParams.get('cap'))) {
        return refuse(response, 403, 'this media link is not valid (or no longer)')
      }
      return serveMedia(assetId, request, response)
    }
    const file = await readStaticFile(rendererDir, url.pathname)
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n')
      return
    }
    response.writeHead(200, {
      'content-type': file.contentType,
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    })
    response.end(request.method === 'HEAD' ? undefined : file.body)
  }

  const serveMedia = async (
    assetId: string,
    request: IncomingMessage,
    response: ServerResponse,
  ) => {
    const media = await core.media(assetId)
    if (!media) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n')
      return
    }
    const headers = {
      'content-type': media.contentType,
      // The URL expires; the browser must not keep the audio past it.
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    }
    if (media.kind === 'bytes') {
      response.writeHead(200, { ...headers, 'content-length': media.bytes.byteLength })
      response.end(request.method === 'HEAD' ? undefined : media.bytes)
      return
    }
    const { size } = await stat(media.path)
    response.writeHead(200, { ...headers, 'content-length': size })
    if (request.method === 'HEAD') return void response.end()
    await pipeline(createReadStream(media.path), response)
  }

  const server = createServer((request, response) => {
    const verdict = checkOrigin(request, port)
    if (!verdict.allowed) return refuse(response, verdict.status, verdict.reason)
    route(request, response).catch((error: unknown) => {
      log.error('request failed', { error: String(error) })
      if (!response.headersSent) response.writeHead(500).end()
      else response.destroy()
    })
  })

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A connection reset during the handshake must not reach the process.
    socket.on('error', () => socket.destroy())
    const verdict = checkAccess(request, port, token)
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname
    if (!verdict.allowed || path !== '/rpc') {
      const status = verdict.allowed ? 404 : verdict.status
      socket.end(
        `HTTP/1.1 ${status} ${verdict.allowed ? 'Not Found' : 'Refused'}\r\nConnection: close\r\n\r\n`,
      )
      return
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws)
      ws.on('close', () => sockets.delete(ws))
      // A malformed frame (bad UTF-8, a reserved opcode, a frame over the limit…) is this
      // connection's problem: ws closes it with the matching code; the server goes on.
      ws.on('error', (error: Error & { code?: string }) =>
        log.warn('websocket closed on a bad frame', { code: error.code ?? 'unknown' }),
      )
      ws.on('message', (data, isBinary) => {
        if (isBinary) return ws.close(1003, 'text frames only')
        const frame = Buffer.isBuffer(data)
          ? data.toString('utf8')
          : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8')
        handleRpcFrame(frame, core.dispatch)
          .then((response) => {
            if (response && ws.readyState === ws.OPEN) ws.send(JSON.stringify(response))
          })
          .catch((error: unknown) => log.error('rpc frame failed', { error: String(error) }))
      })
    })
  })

  const unsubscribe = core.events.onAny((event, payload) => {
    const frame = notification(event, payload)
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  port = (server.address() as AddressInfo).port

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe()
      for (const ws of sockets) ws.terminate()
      wss.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
