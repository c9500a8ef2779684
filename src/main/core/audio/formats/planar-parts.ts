/**
 * What the FFmpeg decoders (mp3/, ogg/, flac/ffmpeg.ts) give: planar parts in order, as the
 * module gave them (not joined: no copy), how many samples per channel, and how many frames or
 * packets the decoder refused.
 */
export interface DecodedParts {
  parts: Float32Array[][]
  samplesDecoded: number
  errors: number
}

/** What a visiting decode (`decodeEach`) reports: its parts went to the visitor. */
export type DecodeCount = Omit<DecodedParts, 'parts'>

/** Visits each decoded part, as views of the module's memory valid only during the call. */
export type PartVisitor = (part: Float32Array[]) => void

/** A visiting decode's parts, copied out of the module's memory: the copying decode. */
export function copiedParts(run: (visit: PartVisitor) => DecodeCount): DecodedParts {
  const parts: Float32Array[][] = []
  const { samplesDecoded, errors } = run((part) => parts.push(part.map((ch) => ch.slice())))
  return { parts, samplesDecoded, errors }
}

/**
 * The first `length` samples of the first `channels` channels of planar parts in order (all
 * samples when `length` is omitted), as one block per channel: views of the part when there is
 * one, else a copy. A part without one of the channels adds nothing to it.
 */
export function joinPlanarParts(
  parts: Float32Array[][],
  channels: number,
  length = parts.reduce((n, p) => n + p[0]!.length, 0),
): Float32Array[] {
  if (parts.length === 1) return parts[0]!.slice(0, channels).map((ch) => ch.subarray(0, length))
  return Array.from({ length: channels }, (_, c) => {
    const out = new Float32Array(length)
    let at = 0
    for (const part of parts) {
      const ch = part[c]
      if (!ch) continue
      out.set(ch.subarray(0, Math.min(ch.length, length - at)), at)
      at += ch.length
      if (at >= length) break
    }
    return out
  })
}
