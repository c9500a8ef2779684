import type { RandomAccessBytes } from './wasm-module'
import { adtsFrameLength } from '../../sniff'

/** Bytes read at a time while hopping from frame header to frame header. */
const WINDOW = 65536

/**
 * True when the last ADTS frame of a raw AAC file runs past its end (a recording or copy that
 * stopped): FFmpeg decodes what is there without a word, so the frames are walked here. A
 * leading ID3v2 tag is skipped; anything after the last frame that is not a frame header (a
 * trailing tag) ends the walk.
 */
export function adtsCutShort(bytes: RandomAccessBytes): boolean {
  const window = new Uint8Array(WINDOW)
  let windowAt = 0
  let windowLength = bytes.read(window, 0)
  let at = id3Length(window)
  while (at < bytes.size) {
    if (at + 7 > windowAt + windowLength) {
      windowAt = at
      windowLength = bytes.read(window, at)
      if (windowLength < 7) return windowLength > 0 && window[0] === 0xff
    }
    const length = adtsFrameLength(window, at - windowAt)
    if (length === 0) return false
    at += length
  }
  return at > bytes.size
}

function id3Length(head: Uint8Array): number {
  if (head.length < 10 || head[0] !== 0x49 || head[1] !== 0x44 || head[2] !== 0x33) return 0
  const size = ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7)
  return 10 + (size | (head[9]! & 0x7f)) + (head[5]! & 0x10 ? 10 : 0)
}
