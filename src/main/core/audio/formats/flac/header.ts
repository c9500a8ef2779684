import { AudioError } from '../../audio-error'
import { checkChannels, checkSampleRate } from '../../audio-limits'
import { frameFormat, frameHeaderLength } from './frame-sync'

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
  return { sampleRate, channels, bitsPerSample, totalSamples }
}

/** STREAMINFO's smallest frame in bytes (0 when the encoder did not know it); bytes as above. */
export function flacMinFrameBytes(bytes: Uint8Array): number {
  return (bytes[12]! << 16) | (bytes[13]! << 8) | bytes[14]!
}

/** STREAMINFO's largest block size in samples per channel; bytes as above. */
export function flacMaxBlockSize(bytes: Uint8Array): number {
  return (bytes[10]! << 8) | bytes[11]!
}

/** STREAMINFO's largest frame in bytes (0 when the encoder did not know it); bytes as above. */
export function flacMaxFrameBytes(bytes: Uint8Array): number {
  return (bytes[15]! << 16) | (bytes[16]! << 8) | bytes[17]!
}

/**
 * Offset of the first frame: after the metadata blocks, up to the one flagged last. Undefined
 * while `bytes` (the file's first bytes) do not reach it.
 */
export function flacAudioStart(bytes: Uint8Array): number | undefined {
  let at = 4
  for (;;) {
    if (at + 4 > bytes.length) return undefined
    const last = bytes[at]! & 0x80
    at += 4 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!)
    if (last) return at
  }
}

/**
 * STREAMINFO corrected by the first frame's header where they disagree (ffmpeg too trusts the
 * frames), then checked: the rate and channels the audio really has. `frame` is the index of
 * the first frame in `bytes`, which must hold its header.
 */
export function trustFrames(
  info: FlacStreamInfo,
  bytes: Uint8Array,
  frame: number,
): FlacStreamInfo {
  const trusted = { ...info }
  if (frameHeaderLength(bytes, frame) > 0) {
    const stated = frameFormat(bytes, frame)
    if (stated.sampleRate > 0) trusted.sampleRate = stated.sampleRate
    if (stated.bitsPerSample > 0) trusted.bitsPerSample = stated.bitsPerSample
    trusted.channels = stated.channels
  }
  checkSampleRate(trusted.sampleRate, 'the FLAC file')
  checkChannels(trusted.channels, 'the FLAC file')
  return trusted
}

/**
 * The STREAMINFO block the decoder opens on (its 34 bytes, a copy): the one of `head` (the
 * file's first 42 bytes or more), with the rate, channels and sample size of `info` (trustFrames).
 */
export function streamInfoBlock(head: Uint8Array, info: FlacStreamInfo): Uint8Array {
  const bytes = head.slice(0, 42)
  writeStreamInfo(bytes, info)
  return bytes.subarray(8)
}

/**
 * Writes rate, channels and sample size into the STREAMINFO of `bytes` (the file's first bytes),
 * so that the decoder agrees with the frames.
 */
function writeStreamInfo(bytes: Uint8Array, info: FlacStreamInfo): void {
  const b = bytes.subarray(8)
  const bits = info.bitsPerSample - 1
  b[10] = (info.sampleRate >> 12) & 0xff
  b[11] = (info.sampleRate >> 4) & 0xff
  b[12] = ((info.sampleRate & 0x0f) << 4) | ((info.channels - 1) << 1) | (bits >> 4)
  b[13] = ((bits & 0x0f) << 4) | (b[13]! & 0x0f)
}
