/**
 * The common shape of the incremental compressed-audio decoders (formats/mp3/decode.ts,
 * formats/flac/decode.ts, formats/ogg/vorbis.ts and opus.ts): feed the bytes of a file in chunks of any size, get planar frames.
 */
export interface ChunkDecoder {
  /**
   * Cuts the next bytes into the pieces to push, each decoding to a bounded number of samples
   * (compressed formats can hold hours of silence in a few kilobytes). Without it, a chunk is
   * pushed whole.
   */
  split?(chunk: Uint8Array): Uint8Array[]
  /** Feeds the next bytes; resolves to the planar frames they completed (possibly none: []). */
  push(chunk: Uint8Array): Promise<Float32Array[]>
  /**
   * Signals the end of the input and resolves to the last frames. Rejects with AudioError
   * 'truncated' when the stream stops short of what its headers promise, 'corrupt' when it held no
   * decodable audio.
   */
  end(): Promise<Float32Array[]>
  /** Output sample rate, 0 until known (at the latest once the first frames came out). */
  readonly sampleRate: number
  /** Output channel count, 0 until known. */
  readonly channels: number
  /** Frames the stream's headers announce (after gapless trimming), when they say so. */
  readonly expectedFrames: number | undefined
  /** Releases the decoder's WASM memory; safe to call more than once. */
  free(): void
}

/** Frames in a planar chunk. */
export function planarLength(chunk: readonly Float32Array[]): number {
  return chunk[0]?.length ?? 0
}

/** Joins two planar chunks with the same channel count (either may be empty). */
export function joinPlanar(a: Float32Array[], b: Float32Array[]): Float32Array[] {
  if (planarLength(a) === 0) return b
  if (planarLength(b) === 0) return a
  return a.map((x, c) => {
    const y = b[c]!
    const out = new Float32Array(x.length + y.length)
    out.set(x)
    out.set(y, x.length)
    return out
  })
}

/** Cuts bytes into pieces of at most `size` bytes (views, no copy). */
export function fixedSlices(chunk: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let at = 0; at < chunk.length; at += size) out.push(chunk.subarray(at, at + size))
  return out
}
