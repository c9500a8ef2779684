import type { PeaksData } from '../../../shared/domain'

export interface DecodedPeaks {
  framesPerPeak: number
  count: number
  channels: number
  /** Per channel, interleaved (min, max) pairs as -1..1. */
  pairs: Float32Array[]
}

export function decodePeaks(peaks: PeaksData): DecodedPeaks {
  const binary = atob(peaks.data)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  const values = new Int16Array(bytes.buffer, 0, Math.floor(bytes.length / 2))
  const perChannel = peaks.count * 2
  const pairs = Array.from({ length: peaks.channels }, (_, channel) => {
    const out = new Float32Array(perChannel)
    for (let i = 0; i < perChannel; i++) out[i] = values[channel * perChannel + i]! / 32767
    return out
  })
  return { framesPerPeak: peaks.framesPerPeak, count: peaks.count, channels: peaks.channels, pairs }
}

/** The stored resolution to ask for: about one peak per pixel, never finer than 256 frames. */
export function framesPerPeakFor(assetRate: number, pixelsPerSecond: number): number {
  const framesPerPixel = assetRate / pixelsPerSecond
  return framesPerPixel >= 4096
    ? 4096 * Math.floor(framesPerPixel / 4096)
    : Math.max(256, 256 * Math.floor(framesPerPixel / 256))
}
