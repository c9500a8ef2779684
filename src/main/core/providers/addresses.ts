// Where a provider may be reached, and where its key may go. A token holder can change an address
// over the contract, so a stored key is bound to the origin it was saved for: the official origin
// unless the user entered the key again while another address was set. The environment overrides
// (set by whoever starts the app, as the tests do) are trusted.
import type { ProviderDescriptor } from './descriptor'

const LOOPBACK_NAMES = new Set(['localhost', '[::1]'])

/** 127.0.0.0/8, ::1 and localhost: this computer. */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.toLowerCase()
  return LOOPBACK_NAMES.has(host) || /^127(\.\d{1,3}){3}$/.test(host)
}

/** The origin (scheme, host, port) of an address; null when it is not a URL. */
export function originOf(address: string): string | null {
  try {
    return new URL(address).origin
  } catch {
    return null
  }
}

/** Why an address from the settings cannot be used for this provider, or null. */
export function addressProblem(d: ProviderDescriptor, address: string): string | null {
  let url: URL
  try {
    url = new URL(address)
  } catch {
    return 'must be a web address such as https://example.com'
  }
  if (url.username !== '' || url.password !== '') {
    return 'must not contain a user name or password'
  }
  if (url.protocol === 'https:') return null
  if (url.protocol === 'http:' && d.address.httpOnLoopback && isLoopback(url)) return null
  return d.address.httpOnLoopback
    ? 'must start with https://, or with http:// only on this computer (127.0.0.1 or localhost)'
    : 'must start with https://: the key must not travel unencrypted'
}
