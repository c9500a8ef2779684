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
import { fourcc, needMore, startsLike } from '../pcm/riff-chunks'
import { isSupportedLayout, type SampleLayout } from '../pcm/sample-format'

/**
 * AIFF and AIFF-C decoding: integer PCM big-endian ('NONE', 'twos', 'in24', 'in32'),
 * little-endian ('sowt'), float ('fl32'/'FL32', 'fl64'/'FL64') and unsigned 8-bit ('raw '); the
 * 80-bit extended sample rate; the SSND offset. Chunks may come in any order.
 */
export interface AiffHeader extends PcmHeader {
  container: 'aiff'
  aifc: boolean
  /** AIFF-C compression type ('NONE' for plain AIFF). */
  compression: string
  /** Bits per sample as stated in COMM (the container is that rounded up to whole bytes). */
  sampleSize: number
  /** Frames stated in COMM. */
  declaredFrames: number
}

/** Reads an 80-bit IEEE 754 extended float (big-endian), as AIFF stores its sample rate. */
export function readExtended80(view: DataView, at: number): number {
  const se = view.getUint16(at)
  const hi = view.getUint32(at + 2)
  const lo = view.getUint32(at + 6)
  const sign = se & 0x8000 ? -1 : 1
  const exp = se & 0x7fff
  if (exp === 0 && hi === 0 && lo === 0) return 0
  if (exp === 0x7fff) return NaN
  const mantissa = hi * 0x100000000 + lo
  return sign * mantissa * 2 ** (exp - 16383 - 63)
}

interface CommInfo {
  channels: number
  frames: number
  sampleSize: number
  sampleRate: number
  compression: string
}

function layoutFor(comm: CommInfo): SampleLayout {
  const bits = Math.ceil(comm.sampleSize / 8) * 8
  const base = { channels: comm.channels }
  switch (comm.compression) {
    case 'NONE':
    case 'twos':
      return { ...base, encoding: 'int', bitsPerSample: bits, bigEndian: true }
    case 'in24':
      return { ...base, encoding: 'int', bitsPerSample: 24, bigEndian: true }
    case 'in32':
      return { ...base, encoding: 'int', bitsPerSample: 32, bigEndian: true }
    case 'sowt':
      return { ...base, encoding: 'int', bitsPerSample: bits, bigEndian: false }
    case 'raw ':
      return { ...base, encoding: 'uint8', bitsPerSample: 8, bigEndian: true }
    case 'fl32':
    case 'FL32':
      return { ...base, encoding: 'float', bitsPerSample: 32, bigEndian: true }
    case 'fl64':
    case 'FL64':
      return { ...base, encoding: 'float', bitsPerSample: 64, bigEndian: true }
    default:
      throw new AudioError(
        'unsupported',
        `AIFF-C compression '${comm.compression.trim()}' is not supported`,
      )
  }
}

/** Parses an AIFF/AIFF-C header (see HeaderParser). */
export function parseAiffHeader(
  bytes: Uint8Array,
  options?: HeaderParseOptions,
): AiffHeader | undefined {
  if (bytes.length === 0 && options?.final)
    throw new AudioError('empty', 'the file is empty (0 bytes)')
  if (!startsLike(bytes, 'FORM'))
    throw new AudioError('not_audio', 'the file is not an AIFF file (no FORM header)')
  if (bytes.length < 12) return needMore(options, 'AIFF', 'FORM header')
  const formType = fourcc(bytes, 8)
  if (formType !== 'AIFF' && formType !== 'AIFC') {
    throw new AudioError('not_audio', `the IFF file is not AIFF audio (form type '${formType}')`)
  }
  const aifc = formType === 'AIFC'
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let comm: CommInfo | null = null
  let ssnd: { dataOffset: number; declared: number | null } | null = null
  let pos = 12
  while (comm === null || ssnd === null) {
    if (pos + 8 > bytes.length) {
      if (options?.final && ssnd === null && comm !== null) {
        throw new AudioError('corrupt', 'the AIFF file has no SSND (sound data) chunk')
      }
      return needMore(
        options,
        'AIFF',
        comm ? 'looking for the sound data' : 'looking for the COMM chunk',
      )
    }
    const id = fourcc(bytes, pos)
    const size = view.getUint32(pos + 4)
    const body = pos + 8
    if (id === 'COMM') {
      if (size < 18) throw new AudioError('corrupt', 'the AIFF COMM chunk is too short')
      if (body + size > bytes.length) return needMore(options, 'AIFF', 'COMM chunk')
      let compression = 'NONE'
      if (aifc) {
        if (size < 22)
          throw new AudioError('corrupt', 'the AIFF-C COMM chunk has no compression type')
        compression = fourcc(bytes, body + 18)
      }
      comm = {
        channels: view.getInt16(body),
        frames: view.getUint32(body + 2),
        sampleSize: view.getInt16(body + 6),
        sampleRate: readExtended80(view, body + 8),
        compression,
      }
      if (comm.channels <= 0)
        throw new AudioError('corrupt', `the AIFF header says ${comm.channels} channels`)
      if (!Number.isFinite(comm.sampleRate)) {
        throw new AudioError('corrupt', 'the AIFF header has an invalid sample rate')
      }
      checkSampleRate(comm.sampleRate, 'the AIFF header')
      checkChannels(comm.channels, 'the AIFF header')
      if (comm.sampleSize <= 0 || comm.sampleSize > 64) {
        throw new AudioError('corrupt', `the AIFF header says ${comm.sampleSize} bits per sample`)
      }
    } else if (id === 'SSND') {
      if (body + 8 > bytes.length) return needMore(options, 'AIFF', 'SSND chunk')
      const offset = view.getUint32(body)
      const declared =
        size === 0 || size === 0xffffffff || size < 8 + offset ? null : size - 8 - offset
      ssnd = { dataOffset: body + 8 + offset, declared }
      if (comm === null) {
        // COMM comes later: skip the sound data to find it (needs those bytes in hand).
        if (declared === null)
          throw new AudioError('corrupt', 'the AIFF SSND chunk has no usable size')
      } else break
    }
    pos = body + size + (size & 1)
  }
  const layout = layoutFor(comm)
  if (!isSupportedLayout(layout)) {
    throw new AudioError('unsupported', `${comm.sampleSize}-bit AIFF samples are not supported`)
  }
  const blockAlign = (layout.bitsPerSample / 8) * comm.channels
  let declared = ssnd.declared
  if (comm.frames > 0) declared = Math.min(declared ?? Infinity, comm.frames * blockAlign)
  const fileSize = options?.fileSize ?? (options?.final ? bytes.length : undefined)
  const { dataLength, frames } = resolveDataLength(declared, ssnd.dataOffset, blockAlign, fileSize)
  return {
    container: 'aiff',
    aifc,
    compression: comm.compression,
    sampleSize: comm.sampleSize,
    declaredFrames: comm.frames,
    sampleRate: comm.sampleRate,
    channels: comm.channels,
    layout,
    blockAlign,
    dataOffset: ssnd.dataOffset,
    dataLength,
    frames,
  }
}

/** Decodes whole frames from a slice of an AIFF sound data region. */
export function decodeAiffFrames(header: AiffHeader, bytes: Uint8Array): Float32Array[] {
  return decodePcmFrames(header, bytes)
}

/** Decodes a whole AIFF/AIFF-C file held in memory. */
export function decodeAiff(bytes: Uint8Array): { header: AiffHeader; audio: PcmAudio } {
  return decodePcmFile(parseAiffHeader, bytes)
}

/** Incremental AIFF decoder: `push(chunk)` returns the planar frames completed by each chunk. */
export class AiffStreamDecoder extends PcmStreamDecoder<AiffHeader> {
  constructor(fileSize?: number) {
    super(parseAiffHeader, fileSize)
  }
}
