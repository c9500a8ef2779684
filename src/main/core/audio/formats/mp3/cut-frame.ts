import { frameLength, isFrameHeader, streamKey } from './header'

/** Bytes of a stream's end kept to find a cut last frame: two of the longest frames and more. */
export const MP3_TAIL_BYTES = 8192

/**
 * How many bytes the last frame of a stream lacks when the stream ends inside it (a file cut
 * with `ffmpeg -c copy`, a download stopped short), else 0. `tail` holds the stream's last bytes.
 * The cut frame is the end of a run of at least two frames of the stream `key` (one hop confirms
 * a header found inside audio data). ffmpeg decodes such a frame with zeros for the missing
 * bytes: its main data may lie wholly in the bit reservoir, before the cut.
 */
export function missingBytes(tail: Uint8Array, key: number): number {
  for (let start = 0; start + 4 <= tail.length; start++) {
    if (tail[start] !== 0xff || !sameStream(tail, start, key)) continue
    let at = start
    let hops = 0
    for (;;) {
      const length = frameLength(tail, at)
      if (length === 0) break
      const next = at + length
      if (next > tail.length) return hops > 0 ? next - tail.length : 0
      if (next === tail.length || !sameStream(tail, next, key)) break
      at = next
      hops++
    }
    // A run of frames that ends before the stream does (cleanly, or followed by a tag).
    if (hops > 0) return 0
  }
  return 0
}

function sameStream(bytes: Uint8Array, at: number, key: number): boolean {
  return isFrameHeader(bytes, at) && streamKey(bytes, at) === key
}
