/**
 * What the first MPEG audio frame of an MP3 says: channel count, sample rate and, from a
 * Xing/Info + LAME tag, the frame count and the encoder delay and padding (gapless trimming).
 */
export interface Mp3StreamInfo {
  channels: number
  sampleRate: number
  samplesPerFrame: number
  /** Audio frames announced by a Xing/Info or VBRI tag (the tag frame itself excluded). */
  tagFrames?: number
  /** Encoder delay and padding in samples (LAME tag), when present. */
  delay?: number
  padding?: number
}

const RATES: Record<number, readonly number[]> = {
  3: [44100, 48000, 32000], // MPEG-1
  2: [22050, 24000, 16000], // MPEG-2
  0: [11025, 12000, 8000], // MPEG-2.5
}

/** Size in bytes of an ID3v2 tag at `offset` (header and footer included), 0 when none. */
export function id3v2Size(bytes: Uint8Array, offset = 0): number {
  if (offset + 10 > bytes.length) return 0
  if (bytes[offset] !== 0x49 || bytes[offset + 1] !== 0x44 || bytes[offset + 2] !== 0x33) return 0
  const size =
    ((bytes[offset + 6]! & 0x7f) << 21) |
    ((bytes[offset + 7]! & 0x7f) << 14) |
    ((bytes[offset + 8]! & 0x7f) << 7) |
    (bytes[offset + 9]! & 0x7f)
  return 10 + size + (bytes[offset + 5]! & 0x10 ? 10 : 0)
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0
}

function ascii(b: Uint8Array, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false
  return true
}

/** True for a plausible MPEG audio frame header at `at` (sync, no reserved field values). */
export function isFrameHeader(bytes: Uint8Array, at: number): boolean {
  if (at + 4 > bytes.length || bytes[at] !== 0xff) return false
  const b1 = bytes[at + 1]!
  const b2 = bytes[at + 2]!
  if ((b1 & 0xe0) !== 0xe0) return false
  if (((b1 >> 3) & 3) === 1 || ((b1 >> 1) & 3) === 0) return false
  return b2 >> 4 !== 15 && ((b2 >> 2) & 3) !== 3
}

/** Index of the first plausible MPEG frame header in `bytes` at or after `from`, or -1. */
export function findFrameSync(bytes: Uint8Array, from = 0): number {
  for (let i = from; i + 4 <= bytes.length; i++) {
    if (bytes[i] === 0xff && isFrameHeader(bytes, i)) return i
  }
  return -1
}

// Bitrates in kbit/s by bitrate index: MPEG-1 layers I, II, III, then MPEG-2/2.5 layer I, II/III.
const BITRATES: readonly (readonly number[])[] = [
  [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
]

/**
 * Length in bytes of the frame whose header (checked with isFrameHeader) is at `at`, header
 * included; 0 for a free-format frame (bitrate index 0), whose length the header does not say.
 */
export function frameLength(bytes: Uint8Array, at: number): number {
  const b1 = bytes[at + 1]!
  const b2 = bytes[at + 2]!
  const version = (b1 >> 3) & 3
  const layer = (b1 >> 1) & 3 // 3: I, 2: II, 1: III
  const table = version === 3 ? 3 - layer : layer === 3 ? 3 : 4
  const bitrate = BITRATES[table]![b2 >> 4]! * 1000
  const rate = RATES[version]![(b2 >> 2) & 3]!
  const padding = (b2 >> 1) & 1
  if (layer === 3) return (Math.floor((12 * bitrate) / rate) + padding) * 4
  if (layer === 1 && version !== 3) return Math.floor((72 * bitrate) / rate) + padding
  return Math.floor((144 * bitrate) / rate) + padding
}

/**
 * The header bits that must stay the same from frame to frame for the frames to decode as one
 * stream: version, layer, CRC flag, sample rate and mono or not.
 */
export function streamKey(bytes: Uint8Array, at: number): number {
  const mono = bytes[at + 3]! >> 6 === 3 ? 1 : 0
  return ((bytes[at + 1]! & 0x1f) << 3) | (bytes[at + 2]! & 0x0c) | mono
}

/** True when the frame at `at` carries a CRC (2 bytes after the header). */
export function hasCrc(bytes: Uint8Array, at: number): boolean {
  return (bytes[at + 1]! & 1) === 0
}

/** Size of the layer III side information after the header (and CRC). */
export function sideInfoLength(bytes: Uint8Array, at: number): number {
  const mpeg1 = ((bytes[at + 1]! >> 3) & 3) === 3
  const mono = bytes[at + 3]! >> 6 === 3
  return mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17
}

/**
 * The layer III main_data_begin of the frame at `at` (no CRC): how many bytes of the preceding
 * frames' main data (the bit reservoir) its own main data starts with.
 */
export function mainDataBegin(bytes: Uint8Array, at: number): number {
  const mpeg1 = ((bytes[at + 1]! >> 3) & 3) === 3
  return mpeg1 ? (bytes[at + 4]! << 1) | (bytes[at + 5]! >> 7) : bytes[at + 4]!
}

/** The MPEG audio layer (1, 2 or 3) of the frame header at `at`. */
export function mpegLayer(bytes: Uint8Array, at: number): number {
  return 4 - ((bytes[at + 1]! >> 1) & 3)
}

/** Reads the frame header at `at` (a sync found by findFrameSync) and any Xing/LAME tag in it. */
export function parseMp3Frame(bytes: Uint8Array, at: number): Mp3StreamInfo {
  const b1 = bytes[at + 1]!
  const version = (b1 >> 3) & 3
  const layer = (b1 >> 1) & 3 // 3: I, 2: II, 1: III
  const mono = bytes[at + 3]! >> 6 === 3
  const info: Mp3StreamInfo = {
    channels: mono ? 1 : 2,
    sampleRate: RATES[version]![(bytes[at + 2]! >> 2) & 3]!,
    samplesPerFrame: layer === 3 ? 384 : layer === 2 || version === 3 ? 1152 : 576,
  }
  if (layer !== 1) return info
  // The Xing/Info tag sits after the side information, whose size depends on version and mode.
  const side = version === 3 ? (mono ? 17 : 32) : mono ? 9 : 17
  let p = at + 4 + side
  if (p + 8 <= bytes.length && (ascii(bytes, p, 'Xing') || ascii(bytes, p, 'Info'))) {
    const flags = u32(bytes, p + 4)
    p += 8
    if (flags & 1 && p + 4 <= bytes.length) info.tagFrames = u32(bytes, p)
    if (flags & 1) p += 4
    if (flags & 2) p += 4
    if (flags & 4) p += 100
    if (flags & 8) p += 4
    // LAME extension: 9-byte encoder string, ..., then 12-bit delay and 12-bit padding at +21,
    // read for the encoders ffmpeg's demuxer reads it for.
    if (p + 24 <= bytes.length && ['LAME', 'Lavc', 'Lavf'].some((tag) => ascii(bytes, p, tag))) {
      info.delay = (bytes[p + 21]! << 4) | (bytes[p + 22]! >> 4)
      info.padding = ((bytes[p + 22]! & 0x0f) << 8) | bytes[p + 23]!
    }
  } else if (at + 36 + 18 <= bytes.length && ascii(bytes, at + 36, 'VBRI')) {
    info.tagFrames = u32(bytes, at + 36 + 14)
  }
  return info
}

/**
 * Length of the frame at `at` (the first of a stream) when it is a tag frame that ffmpeg's MP3
 * demuxer skips instead of decoding, else 0: a layer III frame whose Xing/Info tag or VBRI tag
 * (version 1) gives a frame count or a byte count other than 0.
 */
export function tagFrameLength(bytes: Uint8Array, at: number): number {
  if (!isFrameHeader(bytes, at) || mpegLayer(bytes, at) !== 3) return 0
  let frames = 0
  let size = 0
  let p = at + 4 + sideInfoLength(bytes, at)
  if (p + 16 <= bytes.length && (ascii(bytes, p, 'Xing') || ascii(bytes, p, 'Info'))) {
    const flags = u32(bytes, p + 4)
    p += 8
    if (flags & 1) frames = u32(bytes, (p += 4) - 4)
    if (flags & 2) size = u32(bytes, p)
  }
  const v = at + 36
  if (
    v + 18 <= bytes.length &&
    ascii(bytes, v, 'VBRI') &&
    bytes[v + 4] === 0 &&
    bytes[v + 5] === 1
  ) {
    size = u32(bytes, v + 10)
    frames = u32(bytes, v + 14)
  }
  return frames !== 0 || size !== 0 ? frameLength(bytes, at) : 0
}
