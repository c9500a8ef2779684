import { AudioError } from '../../audio-error'
import { checkChannels, checkSampleRate } from '../../audio-limits'
import type { PcmAudio } from '../../dsp/pcm'
import {
  decodePcmFile,
  decodePcmFrames,
  PcmStreamDecoder,
  resolveDataLength,
  type HeaderParseOptions,
  type PcmHeader,
} from '../pcm/stream'
import { fourcc, isChunkId, needMore, startsLike } from '../pcm/riff-chunks'
import { isSupportedLayout, type SampleLayout } from '../pcm/sample-format'

/**
 * WAV (RIFF/WAVE, RF64/BW64) decoding: PCM 8/16/24/32-bit, IEEE float 32/64, and
 * WAVE_FORMAT_EXTENSIBLE wrapping either. Unknown chunks (LIST/INFO, bext, junk…) are skipped,
 * odd-sized chunks honour their pad byte (and tolerate writers that forgot it), and a data size
 * of 0, 0xFFFFFFFF or beyond the end of the file means "what the file holds".
 *
 * Chunked use: `parseWavHeader(prefix, { fileSize })` then `decodeWavFrames(header, bytes)` on
 * whole-frame slices of the data region (read at header.dataOffset + frame × blockAlign), or
 * `new WavStreamDecoder(fileSize?)` fed with a read stream's chunks.
 */
export interface WavHeader extends PcmHeader {
  container: 'wav'
  /** The effective format tag: 1 (PCM) or 3 (IEEE float), after unwrapping EXTENSIBLE. */
  formatTag: 1 | 3
  extensible: boolean
  /** Container bits per sample. */
  bitsPerSample: number
  /** Valid bits per sample (EXTENSIBLE), else bitsPerSample. */
  validBitsPerSample: number
  /** Speaker mask (EXTENSIBLE), else 0. */
  channelMask: number
}

const WAVE_FORMAT_PCM = 1
const WAVE_FORMAT_IEEE_FLOAT = 3
const WAVE_FORMAT_EXTENSIBLE = 0xfffe

const FORMAT_NAMES: Record<number, string> = {
  2: 'Microsoft ADPCM',
  6: 'A-law',
  7: 'µ-law',
  0x11: 'IMA ADPCM',
  0x31: 'GSM 6.10',
  0x50: 'MPEG',
  0x55: 'MP3',
  0xff: 'AAC',
}

interface FmtInfo {
  formatTag: 1 | 3
  extensible: boolean
  channels: number
  sampleRate: number
  blockAlign: number
  bitsPerSample: number
  validBitsPerSample: number
  channelMask: number
}

function parseFmt(view: DataView, at: number, size: number): FmtInfo {
  if (size < 16) throw new AudioError('corrupt', `the WAV fmt chunk is too short (${size} bytes)`)
  let tag = view.getUint16(at, true)
  const channels = view.getUint16(at + 2, true)
  const sampleRate = view.getUint32(at + 4, true)
  const blockAlign = view.getUint16(at + 12, true)
  let bits = view.getUint16(at + 14, true)
  let validBits = bits
  let channelMask = 0
  const extensible = tag === WAVE_FORMAT_EXTENSIBLE
  if (extensible) {
    if (size < 40) throw new AudioError('corrupt', 'the WAV EXTENSIBLE fmt chunk is too short')
    validBits = view.getUint16(at + 18, true) || bits
    channelMask = view.getUint32(at + 20, true)
    tag = view.getUint16(at + 24, true)
  }
  if (tag !== WAVE_FORMAT_PCM && tag !== WAVE_FORMAT_IEEE_FLOAT) {
    const name = FORMAT_NAMES[tag] ?? `format tag 0x${tag.toString(16)}`
    throw new AudioError('unsupported', `the WAV file holds ${name} audio, which is not supported`)
  }
  if (channels === 0) throw new AudioError('corrupt', 'the WAV header says 0 channels')
  checkSampleRate(sampleRate, 'the WAV header')
  checkChannels(channels, 'the WAV header')
  // The block alignment is the most reliable statement of the container size.
  if (blockAlign !== 0 && blockAlign % channels === 0 && blockAlign !== (channels * bits) / 8) {
    bits = (blockAlign / channels) * 8
  } else if (bits % 8 !== 0) {
    bits = Math.ceil(bits / 8) * 8
  }
  return {
    formatTag: tag,
    extensible,
    channels,
    sampleRate,
    blockAlign: (channels * bits) / 8,
    bitsPerSample: bits,
    validBitsPerSample: Math.min(validBits, bits),
    channelMask,
  }
}

/**
 * Parses a WAV header from the first bytes of a file (see HeaderParser): returns undefined when
 * the data chunk has not been reached yet, unless `final`.
 */
export function parseWavHeader(
  bytes: Uint8Array,
  options?: HeaderParseOptions,
): WavHeader | undefined {
  if (bytes.length === 0 && options?.final)
    throw new AudioError('empty', 'the file is empty (0 bytes)')
  if (!(startsLike(bytes, 'RIFF') || startsLike(bytes, 'RF64') || startsLike(bytes, 'BW64'))) {
    throw new AudioError('not_audio', 'the file is not a WAV file (no RIFF header)')
  }
  if (bytes.length < 12) return needMore(options, 'WAV', 'RIFF header')
  if (fourcc(bytes, 8) !== 'WAVE')
    throw new AudioError('not_audio', 'the RIFF file is not WAVE audio')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const rf64 = fourcc(bytes, 0) !== 'RIFF'
  let ds64DataSize: number | null = null
  let fmt: FmtInfo | null = null
  let pos = 12
  for (;;) {
    if (pos + 8 > bytes.length)
      return needMore(
        options,
        'WAV',
        fmt ? 'looking for the data chunk' : 'looking for the fmt chunk',
      )
    if (!isChunkId(bytes, pos)) {
      // A writer that forgot the pad byte after an odd-sized chunk.
      if (isChunkId(bytes, pos - 1)) pos -= 1
      else throw new AudioError('corrupt', `the WAV file has a damaged chunk at byte ${pos}`)
    }
    const id = fourcc(bytes, pos)
    const size = view.getUint32(pos + 4, true)
    const body = pos + 8
    if (id === 'data') {
      if (!fmt) throw new AudioError('corrupt', 'the WAV data chunk comes before its fmt chunk')
      let declared: number | null = size
      if (size === 0xffffffff) declared = rf64 && ds64DataSize !== null ? ds64DataSize : null
      else if (size === 0) declared = null
      const fileSize = options?.fileSize ?? (options?.final ? bytes.length : undefined)
      const { dataLength, frames } = resolveDataLength(declared, body, fmt.blockAlign, fileSize)
      const layout: SampleLayout = {
        encoding:
          fmt.formatTag === WAVE_FORMAT_IEEE_FLOAT
            ? 'float'
            : fmt.bitsPerSample === 8
              ? 'uint8'
              : 'int',
        bitsPerSample: fmt.bitsPerSample,
        bigEndian: false,
        channels: fmt.channels,
      }
      if (!isSupportedLayout(layout)) {
        const kind = layout.encoding === 'float' ? 'float' : 'integer'
        throw new AudioError(
          'unsupported',
          `${fmt.bitsPerSample}-bit ${kind} WAV samples are not supported`,
        )
      }
      return {
        container: 'wav',
        sampleRate: fmt.sampleRate,
        channels: fmt.channels,
        layout,
        blockAlign: fmt.blockAlign,
        dataOffset: body,
        dataLength,
        frames,
        formatTag: fmt.formatTag,
        extensible: fmt.extensible,
        bitsPerSample: fmt.bitsPerSample,
        validBitsPerSample: fmt.validBitsPerSample,
        channelMask: fmt.channelMask,
      }
    }
    if (id === 'fmt ' || id === 'ds64') {
      if (body + size > bytes.length) return needMore(options, 'WAV', `${id.trim()} chunk`)
      // A second fmt chunk is ignored, as ffmpeg does: the first describes the data.
      if (id === 'fmt ') fmt ??= parseFmt(view, body, size)
      else if (size >= 16) {
        const lo = view.getUint32(body + 8, true)
        const hi = view.getUint32(body + 12, true)
        ds64DataSize = hi * 0x100000000 + lo
      }
    }
    pos = body + size + (size & 1)
  }
}

/** Decodes whole frames from a slice of a WAV data region (starting on a frame boundary). */
export function decodeWavFrames(header: WavHeader, bytes: Uint8Array): Float32Array[] {
  return decodePcmFrames(header, bytes)
}

/** Decodes a whole WAV file held in memory. */
export function decodeWav(bytes: Uint8Array): { header: WavHeader; audio: PcmAudio } {
  return decodePcmFile(parseWavHeader, bytes)
}

/** Incremental WAV decoder: `push(chunk)` returns the planar frames completed by each chunk. */
export class WavStreamDecoder extends PcmStreamDecoder<WavHeader> {
  constructor(fileSize?: number) {
    super(parseWavHeader, fileSize)
  }
}
