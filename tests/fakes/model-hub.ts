// A loopback model hub serving a model folder as the Hugging Face hub serves `resolve/main`
// files: GET with optional `Range: bytes=N-` → 206 with Content-Range (or 416 when N is past the
// end), 404 for what is not there. Faults: cut a file's first response after some bytes, or serve
// altered bytes for a file.
import { readFileSync } from 'node:fs'
import { join, normalize } from 'node:path'
import { type Listening, listen } from './common'

export interface ModelHub extends Listening {
  /** Every file request, with its Range header ('' when none). */
  requests: { path: string; range: string }[]
  /** The next response for this file stops after `bytes` bytes and the socket is destroyed. */
  cutAfter(path: string, bytes: number): void
  /** Serve this file with one byte flipped from now on. */
  corrupt(path: string): void
}

export async function startModelHub(root: string): Promise<ModelHub> {
  const requests: ModelHub['requests'] = []
  const cuts = new Map<string, number>()
  const corrupted = new Set<string>()
  const server = await listen((req, res, url) => {
    const path = decodeURIComponent(url.pathname.replace(/^\/+/, ''))
    const range = req.headers.range ?? ''
    requests.push({ path, range })
    let body: Buffer
    try {
      if (normalize(path).startsWith('..')) throw new Error('outside')
      body = readFileSync(join(root, path))
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Entry not found')
      return
    }
    if (corrupted.has(path)) {
      body = Buffer.from(body)
      body[body.length >> 1] = body[body.length >> 1]! ^ 0xff
    }
    let start = 0
    let status = 200
    const m = /^bytes=(\d+)-$/.exec(range)
    if (m) {
      start = Number(m[1])
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end()
        return
      }
      status = 206
    }
    const part = body.subarray(start)
    res.writeHead(status, {
      'content-type': 'application/octet-stream',
      'content-length': String(part.length),
      'accept-ranges': 'bytes',
      ...(status === 206
        ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` }
        : {}),
    })
    const cut = cuts.get(path)
    if (cut !== undefined) {
      cuts.delete(path)
      res.write(part.subarray(0, cut), () => res.destroy())
      return
    }
    res.end(part)
  })
  return {
    ...server,
    requests,
    cutAfter: (path, bytes) => void cuts.set(path, bytes),
    corrupt: (path) => void corrupted.add(path),
  }
}
