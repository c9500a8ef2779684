/** Audio container formats recognised from their first bytes. */
export type SniffedFormat =
  | 'wav'
  | 'aiff'
  | 'mp3'
  | 'flac'
  | 'ogg-vorbis'
  | 'ogg-opus'
  /** MP4/M4A (QuickTime file format): AAC or Apple Lossless inside, or anything else. */
  | 'm4a'
  /** Raw AAC in ADTS frames (.aac). */
  | 'aac'

/** How many leading bytes `sniffFormat` wants to see to decide (fewer still work for most files). */
export const SNIFF_BYTES = 4096

function ascii(bytes: Uint8Array, offset: number, text: string): boolean {
  if (offset + text.length > bytes.length) return false
  for (let i = 0; i < text.length; i++) {
    if (bytes[offset + i] !== text.charCodeAt(i)) return false
  }
  return true
}

/** True for a plausible MPEG audio (layer I–III) frame header at `offset`. */
function isMpegFrame(bytes: Uint8Array, offset: number): boolean {
  if (offset + 4 > bytes.length) return false
  const b1 = bytes[offset + 1]!
  const b2 = bytes[offset + 2]!
  if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return false
  const version = (b1 >> 3) & 3 // 1 is reserved
  const layer = (b1 >> 1) & 3 // 0 is reserved (and ADTS AAC)
  const bitrate = b2 >> 4 // 15 is invalid
  const rate = (b2 >> 2) & 3 // 3 is reserved
  return version !== 1 && layer !== 0 && bitrate !== 15 && rate !== 3
}

/** Top-level MP4 boxes a file may start with when it has no 'ftyp' (old QuickTime writers). */
const MP4_FIRST_BOXES = ['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide']

/** The length of the ADTS frame at `offset` (AAC, layer 00), or 0 when there is none. */
export function adtsFrameLength(bytes: Uint8Array, offset: number): number {
  if (offset + 7 > bytes.length) return 0
  if (bytes[offset] !== 0xff || (bytes[offset + 1]! & 0xf6) !== 0xf0) return 0
  const rateIndex = (bytes[offset + 2]! >> 2) & 0xf
  if (rateIndex > 12) return 0
  const length =
    ((bytes[offset + 3]! & 3) << 11) | (bytes[offset + 4]! << 3) | (bytes[offset + 5]! >> 5)
  return length >= 7 ? length : 0
}

/** ADTS: a frame header, and another right after it when the bytes reach that far. */
function isAdts(bytes: Uint8Array): boolean {
  const first = adtsFrameLength(bytes, 0)
  if (first === 0) return false
  return first + 7 > bytes.length || adtsFrameLength(bytes, first) > 0
}

/**
 * Detects an audio format from the first bytes of a file (pass at least SNIFF_BYTES when the file
 * is that long). Returns null for anything else, including formats we do not decode (Ogg FLAC,
 * Speex…). An ID3v2 tag is skipped when the bytes after it are present; an ID3 tag
 * whose end lies beyond the given bytes is taken to precede MP3, as it nearly always does.
 */
export function sniffFormat(bytes: Uint8Array): SniffedFormat | null {
  if (
    ascii(bytes, 8, 'WAVE') &&
    (ascii(bytes, 0, 'RIFF') || ascii(bytes, 0, 'RF64') || ascii(bytes, 0, 'BW64'))
  ) {
    return 'wav'
  }
  if (ascii(bytes, 0, 'FORM') && (ascii(bytes, 8, 'AIFF') || ascii(bytes, 8, 'AIFC'))) return 'aiff'
  if (ascii(bytes, 0, 'fLaC')) return 'flac'
  if (ascii(bytes, 0, 'OggS')) {
    if (bytes.length < 27) return null
    const packet = 27 + bytes[26]!
    if (ascii(bytes, packet, '\x01vorbis')) return 'ogg-vorbis'
    if (ascii(bytes, packet, 'OpusHead')) return 'ogg-opus'
    return null
  }
  if (MP4_FIRST_BOXES.some((box) => ascii(bytes, 4, box))) return 'm4a'
  if (isAdts(bytes)) return 'aac'
  if (ascii(bytes, 0, 'ID3') && bytes.length >= 10) {
    const size =
      ((bytes[6]! & 0x7f) << 21) |
      ((bytes[7]! & 0x7f) << 14) |
      ((bytes[8]! & 0x7f) << 7) |
      (bytes[9]! & 0x7f)
    const end = 10 + size + (bytes[5]! & 0x10 ? 10 : 0)
    if (end + 4 <= bytes.length) {
      const inner = sniffFormat(bytes.subarray(end))
      if (inner !== null) return inner
      // Some writers pad or misstate the tag size: look a little further for a frame sync.
      for (let i = end; i < Math.min(bytes.length - 4, end + 2048); i++) {
        if (isMpegFrame(bytes, i)) return 'mp3'
      }
      return null
    }
    return 'mp3'
  }
  if (isMpegFrame(bytes, 0) && bytes.length >= 4) return 'mp3'
  return null
}
