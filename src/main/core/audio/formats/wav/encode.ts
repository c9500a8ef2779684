import type { PcmAudio } from '../../dsp/pcm'
import { pcmSimdKernel } from '../../simd/pcm-kernel'

/**
 * WAV writing, one-shot or streamed: write `encodeWavHeader(options)`, then
 * `encodeWavFrames(format, channels)` for each chunk of planar audio (frames in total as declared),
 * then `encodeWavTrailer(options)` (a pad byte when the data size is odd).
 *
 * Integers: round(x × 2^(bits-1)) clamped to the integer range (x = 1.0 gives 32767), NaN as 0.
 * Header: plain PCM `fmt ` for 16-bit mono/stereo; WAVE_FORMAT_EXTENSIBLE for 24-bit, float and
 * more than two channels (float files also get a `fact` chunk). Optional LIST/INFO tags go
 * before the data chunk.
 */
export type WavSampleFormat = 'int16' | 'int24' | 'float32'

export interface WavEncodeOptions {
  sampleRate: number
  channels: number
  /** Total frames that will follow the header. */
  frames: number
  format: WavSampleFormat
  /**
   * LIST/INFO tags by four-character id, e.g. { INAM: 'title', ICMT: 'comment', ISFT: 'MusicSketch' }.
   * Values are written as UTF-8.
   */
  tags?: Record<string, string>
  /**
   * Puts the first sample at a multiple of this many bytes (an even number) with a JUNK chunk
   * before the data chunk, as broadcast tools do: whole blocks of samples can then be written
   * straight to the disk, which needs block-aligned file positions.
   */
  alignData?: number
}

const BYTES: Record<WavSampleFormat, number> = { int16: 2, int24: 3, float32: 4 }

/** Speaker masks for 1–8 channels (as ffmpeg writes them). */
const CHANNEL_MASKS = [0, 0x4, 0x3, 0x7, 0x33, 0x37, 0x3f, 0x13f, 0x63f]

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

export function wavBytesPerSample(format: WavSampleFormat): number {
  return BYTES[format]
}

function dataBytes(options: WavEncodeOptions): number {
  return options.frames * options.channels * BYTES[options.format]
}

function encodeInfo(tags: Record<string, string> | undefined): Uint8Array {
  const entries = Object.entries(tags ?? {}).filter(([, v]) => v !== '')
  if (entries.length === 0) return new Uint8Array(0)
  const encoder = new TextEncoder()
  const parts: Uint8Array[] = []
  let size = 4 // 'INFO'
  for (const [id, value] of entries) {
    if (!/^[A-Z0-9 ]{4}$/.test(id))
      throw new RangeError(`invalid INFO tag id: ${JSON.stringify(id)}`)
    const text = encoder.encode(value)
    const len = text.length + 1 // NUL-terminated
    const part = new Uint8Array(8 + len + (len & 1))
    writeAscii(part, 0, id)
    new DataView(part.buffer).setUint32(4, len, true)
    part.set(text, 8)
    parts.push(part)
    size += part.length
  }
  const out = new Uint8Array(8 + size)
  writeAscii(out, 0, 'LIST')
  new DataView(out.buffer).setUint32(4, size, true)
  writeAscii(out, 8, 'INFO')
  let pos = 12
  for (const part of parts) {
    out.set(part, pos)
    pos += part.length
  }
  return out
}

function writeAscii(bytes: Uint8Array, at: number, text: string): void {
  for (let i = 0; i < text.length; i++) bytes[at + i] = text.charCodeAt(i)
}

/** Everything before the first sample: RIFF, fmt, (fact), (LIST/INFO) and the data chunk header. */
export function encodeWavHeader(options: WavEncodeOptions): Uint8Array {
  const { sampleRate, channels, format } = options
  if (!Number.isInteger(channels) || channels < 1 || channels > 65535) {
    throw new RangeError(`invalid channel count: ${channels}`)
  }
  if (!Number.isInteger(sampleRate) || sampleRate < 1)
    throw new RangeError(`invalid sample rate: ${sampleRate}`)
  if (!Number.isInteger(options.frames) || options.frames < 0)
    throw new RangeError(`invalid frame count: ${options.frames}`)
  const bps = BYTES[format]
  const float = format === 'float32'
  const extensible = format !== 'int16' || channels > 2
  const fmtSize = extensible ? 40 : 16
  const info = encodeInfo(options.tags)
  const data = dataBytes(options)
  const unpadded = 12 + 8 + fmtSize + (float ? 12 : 0) + info.length + 8
  const junk = junkBytes(unpadded, options.alignData)
  const headerSize = unpadded + junk
  const riffSize = headerSize - 8 + data + (data & 1)
  if (riffSize > 0xffffffff) throw new RangeError('the audio is too large for a WAV file (4 GiB)')
  const out = new Uint8Array(headerSize)
  const view = new DataView(out.buffer)
  writeAscii(out, 0, 'RIFF')
  view.setUint32(4, riffSize, true)
  writeAscii(out, 8, 'WAVE')
  writeAscii(out, 12, 'fmt ')
  view.setUint32(16, fmtSize, true)
  const tag = float ? 3 : 1
  view.setUint16(20, extensible ? 0xfffe : tag, true)
  view.setUint16(22, channels, true)
  view.setUint32(24, sampleRate, true)
  view.setUint32(28, sampleRate * channels * bps, true)
  view.setUint16(32, channels * bps, true)
  view.setUint16(34, bps * 8, true)
  let pos = 36
  if (extensible) {
    view.setUint16(36, 22, true) // cbSize
    view.setUint16(38, bps * 8, true) // valid bits
    view.setUint32(40, CHANNEL_MASKS[channels] ?? 0, true)
    // KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT: {0000000X-0000-0010-8000-00AA00389B71}
    out.set([tag, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71], 44)
    pos = 60
  }
  if (float) {
    writeAscii(out, pos, 'fact')
    view.setUint32(pos + 4, 4, true)
    view.setUint32(pos + 8, Math.min(options.frames, 0xffffffff), true)
    pos += 12
  }
  out.set(info, pos)
  pos += info.length
  if (junk > 0) {
    writeAscii(out, pos, 'JUNK')
    view.setUint32(pos + 4, junk - 8, true)
    pos += junk
  }
  writeAscii(out, pos, 'data')
  view.setUint32(pos + 4, data, true)
  return out
}

/** Size of the JUNK chunk (header included) that moves a header of `size` bytes to `align`. */
function junkBytes(size: number, align: number | undefined): number {
  if (align === undefined) return 0
  if (!Number.isInteger(align) || align < 2 || align % 2 !== 0) {
    throw new RangeError(`invalid data alignment: ${align}`)
  }
  const pad = (align - (size % align)) % align
  // A chunk is at least its 8-byte header: a smaller gap takes one more alignment unit.
  return pad === 0 || pad >= 8 ? pad : pad + align * Math.ceil((8 - pad) / align)
}

/** Bytes after the last sample: one pad byte when the data size is odd, else nothing. */
export function encodeWavTrailer(options: WavEncodeOptions): Uint8Array {
  return new Uint8Array(dataBytes(options) & 1)
}

/** Total size of the file encodeWavHeader + frames + encodeWavTrailer will make. */
export function wavFileSize(options: WavEncodeOptions): number {
  const data = dataBytes(options)
  return encodeWavHeader({ ...options, frames: 0 }).length + data + (data & 1)
}

/**
 * Interleaves and encodes `count` frames of planar audio starting at frame `start`.
 * All channels must hold at least start + count frames.
 */
export function encodeWavFrames(
  format: WavSampleFormat,
  channels: Float32Array[],
  start = 0,
  count = (channels[0]?.length ?? 0) - start,
): Uint8Array {
  const out = new Uint8Array(count * channels.length * BYTES[format])
  encodeWavFramesInto(format, channels, start, count, out)
  return out
}

/**
 * encodeWavFrames into a caller's buffer (for streaming without an allocation per chunk): writes
 * count × channels × bytes-per-sample bytes at `out[outOffset]` and returns that byte count.
 * Stereo integers go through the WebAssembly SIMD kernel when the runtime has one.
 */
export function encodeWavFramesInto(
  format: WavSampleFormat,
  channels: Float32Array[],
  start: number,
  count: number,
  out: Uint8Array,
  outOffset = 0,
): number {
  const simd = channels.length === 2 && format !== 'float32' ? pcmSimdKernel() : null
  if (simd === null)
    return encodeWavFramesScalarInto(format, channels, start, count, out, outOffset)
  const size = count * 2 * BYTES[format]
  if (outOffset < 0 || outOffset + size > out.length) {
    throw new RangeError(`the output buffer is too small for ${count} frames`)
  }
  const bits = format === 'int16' ? 16 : 24
  simd.encodeStereo(bits, channels[0]!, channels[1]!, start, count, out, outOffset)
  return size
}

/** encodeWavFramesInto in plain JavaScript: any channel count, and the SIMD kernel's reference. */
export function encodeWavFramesScalarInto(
  format: WavSampleFormat,
  channels: Float32Array[],
  start: number,
  count: number,
  out: Uint8Array,
  outOffset = 0,
): number {
  const nch = channels.length
  const bps = BYTES[format]
  const size = count * nch * bps
  if (outOffset < 0 || outOffset + size > out.length) {
    throw new RangeError(`the output buffer is too small for ${count} frames`)
  }
  // Whole 32-bit words can be stored when the host is little-endian and the output aligned.
  const words =
    LITTLE_ENDIAN_HOST && (out.byteOffset + outOffset) % 4 === 0
      ? new Uint32Array(out.buffer, out.byteOffset + outOffset, size >>> 2)
      : null
  if (format === 'float32') {
    if (words) {
      const f = new Float32Array(words.buffer, words.byteOffset, words.length)
      for (let c = 0; c < nch; c++) {
        const src = channels[c]!
        for (let i = 0, o = c; i < count; i++, o += nch) f[o] = src[start + i]!
      }
    } else {
      const view = new DataView(out.buffer, out.byteOffset + outOffset, size)
      for (let c = 0; c < nch; c++) {
        const src = channels[c]!
        for (let i = 0, o = c * 4; i < count; i++, o += nch * 4)
          view.setFloat32(o, src[start + i]!, true)
      }
    }
    return size
  }
  if (words && nch === 2) {
    if (format === 'int16') encodeInt16Stereo(channels[0]!, channels[1]!, start, count, words)
    else {
      const pairs = count >>> 1
      encodeInt24StereoPairs(channels[0]!, channels[1]!, start, pairs, words)
      if (count & 1) {
        encodeIntBytes(format, channels, start + count - 1, 1, out, outOffset + pairs * 12)
      }
    }
    return size
  }
  encodeIntBytes(format, channels, start, count, out, outOffset)
  return size
}

// Integers: round half up (as Math.round), clamped, NaN as 0. x is a float32, so y + 0.5 is exact
// wherever it matters and floor(y + 0.5) is Math.round(y); Math.round itself is much slower in V8.
function int16(x: number): number {
  let y = x * 32768
  y = y > 32767 ? 32767 : y < -32768 ? -32768 : y
  return Math.floor(y + 0.5) | 0
}

function int24(x: number): number {
  let y = x * 8388608
  y = y > 8388607 ? 8388607 : y < -8388608 ? -8388608 : y
  return Math.floor(y + 0.5) | 0
}

/** One little-endian word per frame: left in the low half, right in the high half. */
function encodeInt16Stereo(
  left: Float32Array,
  right: Float32Array,
  start: number,
  count: number,
  words: Uint32Array,
): void {
  for (let i = 0; i < count; i++) {
    words[i] = (int16(left[start + i]!) & 0xffff) | (int16(right[start + i]!) << 16)
  }
}

/** Two stereo frames (four 3-byte samples, 12 bytes) as three little-endian words. */
function encodeInt24StereoPairs(
  left: Float32Array,
  right: Float32Array,
  start: number,
  pairs: number,
  words: Uint32Array,
): void {
  for (let p = 0, i = start, w = 0; p < pairs; p++, i += 2, w += 3) {
    const a = int24(left[i]!)
    const b = int24(right[i]!)
    const c = int24(left[i + 1]!)
    const d = int24(right[i + 1]!)
    words[w] = (a & 0xffffff) | (b << 24)
    words[w + 1] = ((b >> 8) & 0xffff) | (c << 16)
    words[w + 2] = ((c >> 16) & 0xff) | (d << 8)
  }
}

/** Byte by byte: any channel count and alignment. */
function encodeIntBytes(
  format: 'int16' | 'int24',
  channels: Float32Array[],
  start: number,
  count: number,
  out: Uint8Array,
  outOffset: number,
): void {
  const nch = channels.length
  const bps = BYTES[format]
  const stride = nch * bps
  for (let c = 0; c < nch; c++) {
    const src = channels[c]!
    let o = outOffset + c * bps
    if (format === 'int16') {
      for (let i = 0; i < count; i++, o += stride) {
        const v = int16(src[start + i]!)
        out[o] = v & 0xff
        out[o + 1] = (v >> 8) & 0xff
      }
    } else {
      for (let i = 0; i < count; i++, o += stride) {
        const v = int24(src[start + i]!)
        out[o] = v & 0xff
        out[o + 1] = (v >> 8) & 0xff
        out[o + 2] = (v >> 16) & 0xff
      }
    }
  }
}

/** Encodes a whole PcmAudio as a WAV file. */
export function encodeWav(
  audio: PcmAudio,
  options: { format: WavSampleFormat; tags?: Record<string, string> },
): Uint8Array {
  const frames = audio.channels[0]?.length ?? 0
  const full: WavEncodeOptions = {
    sampleRate: audio.sampleRate,
    channels: audio.channels.length,
    frames,
    format: options.format,
    ...(options.tags ? { tags: options.tags } : {}),
  }
  const header = encodeWavHeader(full)
  const body = encodeWavFrames(options.format, audio.channels, 0, frames)
  const trailer = encodeWavTrailer(full)
  const out = new Uint8Array(header.length + body.length + trailer.length)
  out.set(header)
  out.set(body, header.length)
  out.set(trailer, header.length + body.length)
  return out
}
