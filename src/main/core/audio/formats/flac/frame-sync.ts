/**
 * Finding FLAC frames in the middle of a stream (where a segment of a parallel decode starts):
 * a frame header whose CRC-8 holds, followed by another such header at the end of a frame whose
 * CRC-16 holds (or by the end of the file), the frames the decoder keeps (ffmpeg-decoder.c drops
 * those whose CRC-16 fails).
 */

const CRC8 = new Uint8Array(256)
const CRC16 = new Uint16Array(256)
for (let n = 0; n < 256; n++) {
  let c8 = n
  let c16 = n << 8
  for (let k = 0; k < 8; k++) {
    c8 = (c8 & 0x80 ? (c8 << 1) ^ 0x07 : c8 << 1) & 0xff
    c16 = (c16 & 0x8000 ? (c16 << 1) ^ 0x8005 : c16 << 1) & 0xffff
  }
  CRC8[n] = c8
  CRC16[n] = c16
}

/**
 * Length of the FLAC frame header at `at` (sync code to CRC-8 included), or 0 when there is none:
 * no sync code, a reserved value, or a CRC-8 that does not hold.
 */
export function frameHeaderLength(bytes: Uint8Array, at: number): number {
  if (at + 6 > bytes.length || bytes[at] !== 0xff || (bytes[at + 1]! & 0xfe) !== 0xf8) return 0
  const blockCode = bytes[at + 2]! >> 4
  const rateCode = bytes[at + 2]! & 0x0f
  const channelCode = bytes[at + 3]! >> 4
  const sizeCode = (bytes[at + 3]! >> 1) & 7
  if (blockCode === 0 || rateCode === 15 || channelCode > 10) return 0
  if (sizeCode === 3 || sizeCode === 7 || bytes[at + 3]! & 1) return 0
  // The frame or sample number, UTF-8 coded: 1 to 7 bytes.
  const lead = bytes[at + 4]!
  let numberBytes = 1
  if (lead >= 0x80) {
    if (lead === 0xff || (lead & 0xc0) === 0x80) return 0
    while (lead & (0x80 >> numberBytes)) numberBytes++
  }
  let length = 4 + numberBytes
  length += blockCode === 6 ? 1 : blockCode === 7 ? 2 : 0
  length += rateCode === 12 ? 1 : rateCode === 13 || rateCode === 14 ? 2 : 0
  if (at + length + 1 > bytes.length) return 0
  for (let i = at + 5; i < at + 4 + numberBytes; i++) if ((bytes[i]! & 0xc0) !== 0x80) return 0
  return crc8(bytes.subarray(at, at + length)) === bytes[at + length] ? length + 1 : 0
}

/** FLAC's CRC-8 (polynomial 0x07), as frame headers end with. */
function crc8(bytes: Uint8Array): number {
  let crc = 0
  for (let i = 0; i < bytes.length; i++) crc = CRC8[crc ^ bytes[i]!]!
  return crc
}

/** Where findFrame looks, and how far a frame may run. */
export interface FrameSearch {
  from: number
  to: number
  /** Longest frame to accept, in bytes. */
  maxFrame: number
  /** True when `bytes` ends where the file does: the last frame needs no header after it. */
  endOfFile: boolean
}

/**
 * Index of the first frame starting in bytes[from, to): a valid header whose frame (CRC-16
 * included) runs at most `maxFrame` bytes to the next valid header, or to the end of the file.
 * -1 when there is none.
 */
export function findFrame(bytes: Uint8Array, search: FrameSearch): number {
  const end = Math.min(search.to, bytes.length - 1)
  for (let at = search.from; at < end; at++) {
    if (bytes[at] !== 0xff || (bytes[at + 1]! & 0xfe) !== 0xf8) continue
    const header = frameHeaderLength(bytes, at)
    if (header > 0 && isFrame(bytes, at, header, search)) return at
  }
  return -1
}

function isFrame(bytes: Uint8Array, at: number, header: number, search: FrameSearch): boolean {
  // The next header may start right after a frame of maxFrame bytes.
  const limit = Math.min(bytes.length, at + search.maxFrame + 1)
  let crc = 0
  let next = at
  for (const first = at + header + 2; next < first && next < limit; next++) {
    crc = crcStep(crc, bytes[next]!)
  }
  for (; next < limit; next++) {
    if (crc === 0 && bytes[next] === 0xff && frameHeaderLength(bytes, next) > 0) return true
    crc = crcStep(crc, bytes[next]!)
  }
  return search.endOfFile && next === bytes.length && next - at <= search.maxFrame && crc === 0
}

function crcStep(crc: number, byte: number): number {
  return ((crc << 8) & 0xffff) ^ CRC16[(crc >> 8) ^ byte]!
}

/** What a frame header states; 0 for a rate or sample size "as in STREAMINFO". */
export interface FlacFrameFormat {
  blockSize: number
  sampleRate: number
  channels: number
  bitsPerSample: number
}

const RATES = [0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000]
const SAMPLE_SIZES = [0, 8, 12, 0, 16, 20, 24, 32]

/** The format stated by the frame header at `at`, which frameHeaderLength found valid. */
export function frameFormat(bytes: Uint8Array, at: number): FlacFrameFormat {
  const blockCode = bytes[at + 2]! >> 4
  const rateCode = bytes[at + 2]! & 0x0f
  const channelCode = bytes[at + 3]! >> 4
  const lead = bytes[at + 4]!
  let numberBytes = 1
  if (lead >= 0x80) while (lead & (0x80 >> numberBytes)) numberBytes++
  let extra = at + 4 + numberBytes
  let blockSize: number
  if (blockCode === 1) blockSize = 192
  else if (blockCode <= 5) blockSize = 576 << (blockCode - 2)
  else if (blockCode === 6) blockSize = bytes[extra++]! + 1
  else if (blockCode === 7) {
    blockSize = ((bytes[extra]! << 8) | bytes[extra + 1]!) + 1
    extra += 2
  } else blockSize = 256 << (blockCode - 8)
  let sampleRate = RATES[rateCode] ?? 0
  if (rateCode === 12) sampleRate = bytes[extra]! * 1000
  else if (rateCode === 13) sampleRate = (bytes[extra]! << 8) | bytes[extra + 1]!
  else if (rateCode === 14) sampleRate = ((bytes[extra]! << 8) | bytes[extra + 1]!) * 10
  return {
    blockSize,
    sampleRate,
    channels: channelCode < 8 ? channelCode + 1 : 2,
    bitsPerSample: SAMPLE_SIZES[(bytes[at + 3]! >> 1) & 7]!,
  }
}

/**
 * Cuts FLAC bytes into slices that each complete at most about `budget` samples (all channels),
 * by the block sizes of the frame headers in them, so that what one decode call returns stays
 * bounded however small the frames are (hours of silence fit in a few megabytes).
 */
export function* flacSlices(bytes: Uint8Array, budget: number): Generator<Uint8Array> {
  let start = 0
  let samples = 0
  const end = bytes.length - 1
  for (let at = 0; at < end; at++) {
    if (bytes[at] !== 0xff || (bytes[at + 1]! & 0xfe) !== 0xf8) continue
    if (frameHeaderLength(bytes, at) === 0) continue
    const { blockSize, channels } = frameFormat(bytes, at)
    if (samples > 0 && samples + blockSize * channels > budget) {
      yield bytes.subarray(start, at)
      start = at
      samples = 0
    }
    samples += blockSize * channels
  }
  if (start < bytes.length) yield bytes.subarray(start)
}

/**
 * The stream position (in samples per channel) of the frame whose valid header is at `at`: its
 * coded sample number, or for a fixed-blocksize stream its frame number times `blockSize`.
 */
export function frameFirstSample(bytes: Uint8Array, at: number, blockSize: number): number {
  const lead = bytes[at + 4]!
  let numberBytes = 1
  if (lead >= 0x80) while (lead & (0x80 >> numberBytes)) numberBytes++
  let value = numberBytes === 1 ? lead : lead & (0x7f >> numberBytes)
  for (let i = 1; i < numberBytes; i++) value = value * 64 + (bytes[at + 4 + i]! & 0x3f)
  const variable = (bytes[at + 1]! & 1) === 1
  return variable ? value : value * blockSize
}
