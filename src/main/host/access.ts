import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export type AccessVerdict =
  { allowed: true } | { allowed: false; status: 401 | 403; reason: string }

const ALLOWED: AccessVerdict = { allowed: true }

export function sameSecret(candidate: string | null | undefined, secret: string): boolean {
  if (candidate === null || candidate === undefined) return false
  const a = Buffer.from(candidate)
  const b = Buffer.from(secret)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * Loopback only: the Host header must name this server (no DNS rebinding) and a browser Origin
 * must be this server. Checked before anything else, on every request.
 */
export function checkOrigin(request: IncomingMessage, port: number): AccessVerdict {
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`])
  const host = request.headers.host
  if (!host || !allowedHosts.has(host.toLowerCase())) {
    return { allowed: false, status: 403, reason: 'foreign Host header' }
  }
  const origin = request.headers.origin?.toLowerCase()
  if (
    origin !== undefined &&
    (!origin.startsWith('http://') || !allowedHosts.has(origin.slice('http://'.length)))
  ) {
    return { allowed: false, status: 403, reason: 'foreign Origin header' }
  }
  return ALLOWED
}

/**
 * The token, from the query (the socket's URL) or an `Authorization: Bearer` header (uploads).
 * Never from a cookie: cookies ignore ports, so any other server on 127.0.0.1 would receive it.
 */
export function checkToken(request: IncomingMessage, token: string): AccessVerdict {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1')
  const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1]
  const candidate = url.searchParams.get('token') ?? bearer
  return sameSecret(candidate, token)
    ? ALLOWED
    : { allowed: false, status: 401, reason: 'missing or wrong token' }
}

/** Origin and token: what the contract socket and uploads need. */
export function checkAccess(request: IncomingMessage, port: number, token: string): AccessVerdict {
  const origin = checkOrigin(request, port)
  return origin.allowed ? checkToken(request, token) : origin
}
