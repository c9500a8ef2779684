import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export type AccessVerdict =
  { allowed: true } | { allowed: false; status: 401 | 403; reason: string }

export const TOKEN_COOKIE = 'musicsketch_token'

function sameToken(candidate: string | undefined, token: string): boolean {
  if (candidate === undefined) return false
  const a = Buffer.from(candidate)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

function cookieToken(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=')
    if (name === TOKEN_COOKIE) return value.join('=')
  }
  return undefined
}

/**
 * Loopback-only access: the Host header must name this server (no DNS rebinding), a browser
 * Origin must be this server, and the token must match (query or cookie). Checked before anything.
 */
export function checkAccess(request: IncomingMessage, port: number, token: string): AccessVerdict {
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`])
  const host = request.headers.host
  if (!host || !allowedHosts.has(host.toLowerCase())) {
    return { allowed: false, status: 403, reason: 'foreign Host header' }
  }
  const origin = request.headers.origin
  if (origin !== undefined && !allowedHosts.has(origin.toLowerCase().replace(/^http:\/\//, ''))) {
    return { allowed: false, status: 403, reason: 'foreign Origin header' }
  }
  if (origin !== undefined && !origin.toLowerCase().startsWith('http://')) {
    return { allowed: false, status: 403, reason: 'foreign Origin header' }
  }
  const url = new URL(request.url ?? '/', `http://${host}`)
  const candidate = url.searchParams.get('token') ?? cookieToken(request.headers.cookie)
  if (!sameToken(candidate ?? undefined, token)) {
    return { allowed: false, status: 401, reason: 'missing or wrong token' }
  }
  return { allowed: true }
}
