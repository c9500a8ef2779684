import { AudioError } from './audio-error'

/** The STREAMINFO block of a native FLAC stream. */
export interface FlacStreamInfo {
  sampleRate: number
  channels: number
  bitsPerSample: number
  /** Total samples per channel, 0 when the encoder did not know it. */
  totalSamples: number
}

/**
 * Parses STREAMINFO from the first bytes of a FLAC file ('fLaC' + the first metadata block, which
 * must be STREAMINFO). Returns undefined when fewer than 42 bytes are given.
 */
export function parseFlacStreamInfo(bytes: Uint8Array): FlacStreamInfo | undefined {
  if (bytes.length < 42) return undefined
  if (bytes[0] !== 0x66 || bytes[1] !== 0x4c || bytes[2] !== 0x61 || bytes[3] !== 0x43) {
    throw new AudioError('not_audio', 'the file is not a FLAC file')
  }
  if ((bytes[4]! & 0x7f) !== 0) {
    throw new AudioError('corrupt', 'the FLAC file does not start with its STREAMINFO block')
  }
  const b = bytes.subarray(8)
  const sampleRate = (b[10]! << 12) | (b[11]! << 4) | (b[12]! >> 4)
  const channels = ((b[12]! >> 1) & 7) + 1
  const bitsPerSample = (((b[12]! & 1) << 4) | (b[13]! >> 4)) + 1
  const totalSamples =
    (b[13]! & 0x0f) * 2 ** 32 + (((b[14]! << 24) | (b[15]! << 16) | (b[16]! << 8) | b[17]!) >>> 0)
  if (sampleRate === 0) throw new AudioError('corrupt', 'the FLAC header says a sample rate of 0')
  return { sampleRate, channels, bitsPerSample, totalSamples }
}

/** STREAMINFO's largest frame in bytes (0 when the encoder did not know it); bytes as above. */
export function flacMaxFrameBytes(bytes: Uint8Array): number {
  return (bytes[15]! << 16) | (bytes[16]! << 8) | bytes[17]!
}
