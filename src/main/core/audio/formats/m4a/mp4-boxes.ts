import type { RandomAccessBytes } from './wasm-module'

/**
 * True when the top-level boxes of an MP4 file run past its end: the file was cut short (a copy
 * or download that stopped), as opposed to damaged inside.
 */
export function mp4CutShort(bytes: RandomAccessBytes): boolean {
  const head = new Uint8Array(16)
  const view = new DataView(head.buffer)
  let at = 0
  while (at < bytes.size) {
    const got = bytes.read(head, at)
    if (got < 8) return true
    let size = view.getUint32(0)
    if (size === 1) {
      if (got < 16) return true
      size = Number(view.getBigUint64(8))
    } else if (size === 0) {
      return false // the last box runs to the end of the file
    }
    if (size < 8) return false // not a box: damaged, not cut
    at += size
  }
  return at > bytes.size
}
