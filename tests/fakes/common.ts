// Shared pieces of the loopback provider fakes: server, clock, fault injection, WAV, logs.
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import { type AddressInfo } from 'node:net'

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>

export interface Listening {
  url: string
  close(): Promise<void>
}

/** Serves a handler on 127.0.0.1 on a free port. */
export async function listen(handler: Handler): Promise<Listening> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    Promise.resolve(handler(req, res, url)).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { detail: `fake crashed: ${String(e)}` })
      else res.destroy()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req)).toString('utf8')
  try {
    return text === '' ? null : (JSON.parse(text) as unknown)
  } catch {
    return undefined
  }
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  res.end(text)
}

/** A controllable clock: the fakes' "hour" passes when a test says so. */
export class FakeClock {
  constructor(public now = Date.parse('2026-01-01T00:00:00Z')) {}
  advance(ms: number): void {
    this.now += ms
  }
  iso(): string {
    return new Date(this.now).toISOString()
  }
}

export type FaultKind =
  /** Answer with a status (5xx burst, 429...). */
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Do the work, then destroy the connection without an answer (a lost response). */
  | { kind: 'drop-after' }
  /** Do the work, then never answer (the client times out). */
  | { kind: 'hang-after' }
  /** Destroy the connection before doing anything (like a reset before the request landed). */
  | { kind: 'reset-before' }

export interface Fault {
  fault: FaultKind
  remaining: number
  match: (method: string, path: string) => boolean
}

export type Matcher = (method: string, path: string) => boolean
export const anyRequest: Matcher = () => true

/** Faults the next N matching requests; downloads have their own knobs. */
export class Faults {
  private list: Fault[] = []
  /** The next `count` matching requests get `fault`. */
  add(fault: FaultKind, count = 1, match: Matcher = anyRequest): void {
    this.list.push({ fault, remaining: count, match })
  }
  /** Early faults answer instead of the handler; late ones (drop/hang) happen after the work. */
  take(method: string, path: string, phase: 'early' | 'late' = 'early'): FaultKind | null {
    const late = (k: FaultKind): boolean => k.kind === 'drop-after' || k.kind === 'hang-after'
    const f = this.list.find(
      (x) => x.remaining > 0 && late(x.fault) === (phase === 'late') && x.match(method, path),
    )
    if (f === undefined) return null
    f.remaining--
    return f.fault
  }
  clear(): void {
    this.list = []
  }
}

/** How downloads misbehave: cut after half the bytes, or stall after half. */
export class DownloadFaults {
  cutNext = 0
  stallNext = 0
  served = 0
}

/** Writes bytes, honouring the download faults (and `Range`, when asked to). */
export function serveBytes(
  req: IncomingMessage,
  res: ServerResponse,
  bytes: Buffer,
  mime: string,
  faults: DownloadFaults,
  ranges = false,
): void {
  faults.served++
  let body = bytes
  let status = 200
  const headers: Record<string, string> = { 'content-type': mime }
  const range = ranges ? /^bytes=(\d+)-$/.exec(req.headers.range ?? '') : null
  if (range !== null) {
    const start = Number(range[1])
    body = bytes.subarray(start)
    status = 206
    headers['content-range'] = `bytes ${start}-${bytes.length - 1}/${bytes.length}`
  }
  headers['content-length'] = String(body.length)
  if (ranges) headers['accept-ranges'] = 'bytes'
  res.writeHead(status, headers)
  const half = Math.floor(body.length / 2)
  if (faults.cutNext > 0) {
    faults.cutNext--
    res.write(body.subarray(0, half), () => res.destroy())
    return
  }
  if (faults.stallNext > 0) {
    faults.stallNext--
    // Half the body, then silence: the client's read timeout must notice.
    res.write(body.subarray(0, half))
    return
  }
  res.end(body)
}

/** A small real WAV: 16-bit PCM with a quiet sine per channel. */
export function makeWav(seconds: number, channels: number, sampleRate = 32_000): Buffer {
  const frames = Math.max(1, Math.round(seconds * sampleRate))
  const dataBytes = frames * channels * 2
  const buf = Buffer.alloc(44 + dataBytes)
  buf.write('RIFF', 0, 'ascii')
  buf.writeUInt32LE(36 + dataBytes, 4)
  buf.write('WAVE', 8, 'ascii')
  buf.write('fmt ', 12, 'ascii')
  buf.writeUInt32LE(16, 16)
  buf.writeUInt16LE(1, 20)
  buf.writeUInt16LE(channels, 22)
  buf.writeUInt32LE(sampleRate, 24)
  buf.writeUInt32LE(sampleRate * channels * 2, 28)
  buf.writeUInt16LE(channels * 2, 32)
  buf.writeUInt16LE(16, 34)
  buf.write('data', 36, 'ascii')
  buf.writeUInt32LE(dataBytes, 40)
  let at = 44
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const v = Math.round(8000 * Math.sin((2 * Math.PI * (220 * (c + 1)) * i) / sampleRate))
      buf.writeInt16LE(v, at)
      at += 2
    }
  }
  return buf
}

/** audiocraft-like logs: the seed line, then `  k /  M` token counters written with \r. */
export function musicgenLogs(seed: number, done: number, total: number): string {
  const pad = String(total).length + 1
  let out = `Using seed ${seed}\n`
  const marks = [...new Set([0, Math.floor(total / 3), Math.floor((2 * total) / 3), done])]
  for (const k of marks.filter((m) => m <= done)) {
    out += `${String(k).padStart(pad)} / ${String(total).padStart(pad)}\r`
  }
  return out
}

export function isStereoModel(model: unknown): boolean {
  return typeof model === 'string' && model.startsWith('stereo-')
}

/** Seconds of audio the fakes return: requested, capped so tests stay quick. */
export function outputSeconds(requested: unknown, cap: number): number {
  const d = typeof requested === 'number' && requested > 0 ? requested : 8
  return Math.min(d, cap)
}

export function randomSeed(): number {
  return 1 + Math.floor(Math.random() * 4_294_967_294)
}

export function decodeDataUrl(url: string): { mime: string; bytes: Buffer } | null {
  const m = /^data:([^;,]*)(?:;[^;,]*)*;base64,(.*)$/s.exec(url)
  if (m === null) return null
  return { mime: m[1] ?? '', bytes: Buffer.from(m[2] ?? '', 'base64') }
}

/** Applies a connection fault that happens before the handler does anything. */
export function applyEarlyFault(
  fault: FaultKind | null,
  res: ServerResponse,
  headers: Record<string, string> = {},
): boolean {
  if (fault === null) return false
  if (fault.kind === 'reset-before') {
    res.destroy()
    return true
  }
  if (fault.kind === 'status') {
    sendJson(res, fault.status, fault.body ?? { detail: `HTTP ${fault.status}` }, {
      ...headers,
      ...fault.headers,
    })
    return true
  }
  return false
}

/** After the work is done: drop or hang instead of answering, as a lost response would. */
export function applyLateFault(fault: FaultKind | null, res: ServerResponse): boolean {
  if (fault?.kind === 'drop-after') {
    res.destroy()
    return true
  }
  if (fault?.kind === 'hang-after') return true
  return false
}

/** A string field of a parsed body, or the fallback. */
export function text(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : fallback
}
