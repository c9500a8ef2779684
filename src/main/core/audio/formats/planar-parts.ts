/**
 * The first `length` samples of planar parts in order (all of them when `length` is omitted), as
 * one block per channel: views of the part when there is one, else a copy.
 */
export function joinPlanarParts(
  parts: Float32Array[][],
  channels: number,
  length = parts.reduce((n, p) => n + p[0]!.length, 0),
): Float32Array[] {
  if (parts.length === 1) return parts[0]!.map((ch) => ch.subarray(0, length))
  return Array.from({ length: channels }, (_, c) => {
    const out = new Float32Array(length)
    let at = 0
    for (const part of parts) {
      const ch = part[c]!
      out.set(ch.subarray(0, Math.min(ch.length, length - at)), at)
      at += ch.length
      if (at >= length) break
    }
    return out
  })
}
