// Byte-level helpers shared by the chunked container parsers (RIFF/WAVE and IFF/AIFF), which
// walk the same shape of data: four-character chunk ids, and headers that may arrive in pieces.
import { AudioError } from '../../audio-error'
import type { HeaderParseOptions } from './stream'

/** The four-character code at `offset`. */
export function fourcc(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(
    bytes[offset]!,
    bytes[offset + 1]!,
    bytes[offset + 2]!,
    bytes[offset + 3]!,
  )
}

/** True when the four bytes at `offset` are printable ASCII, as every chunk id is. */
export function isChunkId(bytes: Uint8Array, offset: number): boolean {
  if (offset + 4 > bytes.length) return false
  for (let i = 0; i < 4; i++) {
    const b = bytes[offset + i]!
    if (b < 0x20 || b > 0x7e) return false
  }
  return true
}

/** True when `bytes` agree with `text` as far as both go (a short prefix may still match). */
export function startsLike(bytes: Uint8Array, text: string): boolean {
  const n = Math.min(bytes.length, text.length)
  for (let i = 0; i < n; i++) if (bytes[i] !== text.charCodeAt(i)) return false
  return true
}

/**
 * The header parsers' "not enough bytes yet": undefined (ask for more), unless the bytes are
 * all there is, when the header is truncated.
 */
export function needMore(
  options: HeaderParseOptions | undefined,
  container: 'WAV' | 'AIFF',
  what: string,
): undefined {
  if (options?.final)
    throw new AudioError('truncated', `the file ends inside its ${container} header (${what})`)
  return undefined
}
