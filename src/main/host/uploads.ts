import { constants } from 'node:fs'
import { mkdir, open, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { dirname } from 'node:path'
import type { Log } from '../core/log'

/** One request carries at most this much; a file is any number of them. */
export const MAX_UPLOAD_CHUNK = 16 * 1024 * 1024

const DISK_FULL =
  "The disk holding MusicSketch's data is full: free some space, then drop the file again."

type Answer = { received: number; error?: string }

function answer(response: ServerResponse, status: number, body: Answer): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  response.end(JSON.stringify(body))
}

async function receivedBytes(path: string): Promise<number> {
  const stats = await stat(path).catch(() => null)
  return stats?.isFile() ? stats.size : 0
}

/**
 * Browser mode's uploads of dropped files: `PUT /uploads/<id>?offset=N` appends the request's
 * body (at most MAX_UPLOAD_CHUNK) to upload `id` when N is what the host already holds, and
 * answers `{received}`; `GET /uploads/<id>` answers `{received}` so that a client whose
 * connection broke resumes where the bytes stopped. A file's size is bounded by the disk only.
 * `assets.import {upload: id, size}` then imports it and removes it.
 */
export function createUploadRoute(pathOf: (uploadId: string) => string, log: Log) {
  const active = new Set<string>()

  return async (uploadId: string, request: IncomingMessage, response: ServerResponse) => {
    const path = pathOf(uploadId)
    if (request.method === 'GET')
      return answer(response, 200, { received: await receivedBytes(path) })
    if (request.method !== 'PUT') {
      response.writeHead(405, { allow: 'GET, PUT' }).end()
      return
    }
    const offset = Number(
      new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('offset'),
    )
    if (active.has(uploadId)) {
      request.resume()
      return answer(response, 409, {
        received: await receivedBytes(path),
        error: 'this upload is already being sent',
      })
    }
    active.add(uploadId)
    // Answered only once the file is closed and free: the client's next chunk may follow at once.
    const [status, body] = await appendChunk(path, offset, request, log).finally(() =>
      active.delete(uploadId),
    )
    if (!response.headersSent) answer(response, status, body)
  }
}

/** Appends the request's body to the upload at `path` if `offset` is where it ends. */
async function appendChunk(
  path: string,
  offset: number,
  request: IncomingMessage,
  log: Log,
): Promise<[number, Answer]> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  const file = await open(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_NOFOLLOW,
    0o600,
  )
  try {
    const { size } = await file.stat()
    if (!Number.isSafeInteger(offset) || offset !== size) {
      request.resume()
      return [409, { received: size, error: `send from byte ${size}` }]
    }
    let written = 0
    for await (const part of request as AsyncIterable<Buffer>) {
      written += part.length
      if (written > MAX_UPLOAD_CHUNK)
        throw Object.assign(new Error('chunk too large'), { code: 'TOO_LARGE' })
      // A write may be short (a nearly full disk): the rest goes next, or fails with ENOSPC.
      for (let at = 0; at < part.length;) {
        at += (await file.write(part, at, part.length - at, null)).bytesWritten
      }
    }
    return [200, { received: size + written }]
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    // A chunk is all or nothing: what was appended of it goes, so the client sends it again.
    await file.truncate(offset).catch(() => undefined)
    const received = (await file.stat()).size
    if (code === 'TOO_LARGE') {
      request.destroy()
      return [413, { received, error: `send at most ${MAX_UPLOAD_CHUNK} bytes at a time` }]
    }
    if (code === 'ENOSPC' || code === 'EDQUOT') return [507, { received, error: DISK_FULL }]
    log.warn('upload chunk failed', { code: code ?? 'unknown' })
    return [500, { received, error: 'the upload failed: drop the file again' }]
  } finally {
    await file.close()
  }
}
