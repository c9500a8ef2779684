import { AudioError } from './audio-error'
import type { FrameReader, PcmAudio } from './pcm'
import { decodeInterleaved, type SampleLayout } from './sample-format'

/** What a container header (WAV, AIFF) says about the uncompressed samples that follow it. */
export interface PcmHeader {
  sampleRate: number
  channels: number
  layout: SampleLayout
  /** Bytes per frame. */
  blockAlign: number
  /** Byte offset of the first sample in the file. */
  dataOffset: number
  /**
   * Bytes of sample data to decode, whole frames only. When the header's own size is missing,
   * 0xFFFFFFFF, or larger than the file, this is what the file holds (given its size); without a
   * known file size and with an unusable declared size it is Infinity (decode until the end).
   */
  dataLength: number
  /** dataLength / blockAlign (Infinity when dataLength is). */
  frames: number
}

export interface HeaderParseOptions {
  /** Total size of the file in bytes, when known: bounds the data to what is really there. */
  fileSize?: number
  /**
   * True when `bytes` is all there is (the whole file, or the stream ended): an incomplete header
   * then throws AudioError 'truncated' instead of returning undefined.
   */
  final?: boolean
}

/**
 * Parses a header from the first bytes of a file. Returns undefined when more bytes are needed
 * (and `final` is not set); throws AudioError when the bytes are not this format or are invalid.
 */
export type HeaderParser<H extends PcmHeader> = (
  bytes: Uint8Array,
  options?: HeaderParseOptions,
) => H | undefined

/** Computes dataLength/frames from a declared size (null: unknown) and what the file holds. */
export function resolveDataLength(
  declared: number | null,
  dataOffset: number,
  blockAlign: number,
  fileSize: number | undefined,
): { dataLength: number; frames: number } {
  let length: number
  if (fileSize !== undefined) {
    const available = Math.max(0, fileSize - dataOffset)
    length = declared === null ? available : Math.min(declared, available)
  } else {
    length = declared === null ? Infinity : declared
  }
  if (!Number.isFinite(length)) return { dataLength: Infinity, frames: Infinity }
  const frames = Math.floor(length / blockAlign)
  return { dataLength: frames * blockAlign, frames }
}

/**
 * Decodes whole frames from a slice of the data region (which must start on a frame boundary):
 * floor(bytes.length / blockAlign) frames, planar.
 */
export function decodePcmFrames(header: PcmHeader, bytes: Uint8Array): Float32Array[] {
  const frames = Math.floor(bytes.length / header.blockAlign)
  const out: Float32Array[] = []
  for (let c = 0; c < header.channels; c++) out.push(new Float32Array(frames))
  decodeInterleaved(header.layout, bytes, frames, out, 0)
  return out
}

/**
 * Decodes a whole file held in memory with the given parser. Throws AudioError 'empty' when the
 * file holds no frames at all, 'truncated' when the header promises data that is missing.
 */
export function decodePcmFile<H extends PcmHeader>(
  parse: HeaderParser<H>,
  bytes: Uint8Array,
): { header: H; audio: PcmAudio } {
  if (bytes.length === 0) throw new AudioError('empty', 'the file is empty (0 bytes)')
  const header = parse(bytes, { fileSize: bytes.length, final: true })
  if (header === undefined) throw new AudioError('truncated', 'the file ends inside its header')
  if (header.frames === 0) {
    if (bytes.length <= header.dataOffset) {
      throw new AudioError('truncated', 'the file ends before its first audio sample')
    }
    throw new AudioError('empty', 'the file contains no audio samples')
  }
  const data = bytes.subarray(header.dataOffset, header.dataOffset + header.dataLength)
  return {
    header,
    audio: { sampleRate: header.sampleRate, channels: decodePcmFrames(header, data) },
  }
}

/**
 * Incremental decoder: push the bytes of a file in chunks of any size (for example from a read
 * stream); each push returns the planar frames completed by that chunk (possibly none). Holds at
 * most one partial frame between pushes, plus the header bytes until the header is complete.
 */
export class PcmStreamDecoder<H extends PcmHeader> {
  private headBytes: Uint8Array = new Uint8Array(0)
  private _header: H | undefined
  private bytesSeen = 0
  /** Bytes of the data region consumed so far. */
  private dataConsumed = 0
  private carry = new Uint8Array(0)
  private _framesDecoded = 0

  constructor(
    private readonly parse: HeaderParser<H>,
    private readonly fileSize?: number,
  ) {}

  /** The header, once enough bytes have been pushed. */
  get header(): H | undefined {
    return this._header
  }

  get framesDecoded(): number {
    return this._framesDecoded
  }

  /** Returns the planar frames completed by this chunk, or [] when it completed none. */
  push(chunk: Uint8Array): Float32Array[] {
    this.bytesSeen += chunk.length
    if (this._header === undefined) {
      const joined = new Uint8Array(this.headBytes.length + chunk.length)
      joined.set(this.headBytes)
      joined.set(chunk, this.headBytes.length)
      const options = this.fileSize === undefined ? {} : { fileSize: this.fileSize }
      const header = this.parse(joined, options)
      if (header === undefined) {
        this.headBytes = joined
        return []
      }
      this._header = header
      this.headBytes = new Uint8Array(0)
      // Continue with the bytes of the data region in hand.
      return this.decodeData(joined.subarray(Math.min(header.dataOffset, joined.length)))
    }
    return this.decodeData(chunk)
  }

  /**
   * Signals the end of the input. Throws AudioError when the header never completed; returns the
   * total number of frames decoded. A trailing partial frame is dropped.
   */
  end(): number {
    if (this._header === undefined) {
      if (this.bytesSeen === 0) throw new AudioError('empty', 'the file is empty (0 bytes)')
      const header = this.parse(this.headBytes, { fileSize: this.bytesSeen, final: true })
      if (header === undefined) throw new AudioError('truncated', 'the file ends inside its header')
      this._header = header
      this.decodeData(this.headBytes.subarray(Math.min(header.dataOffset, this.headBytes.length)))
    }
    return this._framesDecoded
  }

  private decodeData(input: Uint8Array): Float32Array[] {
    const header = this._header!
    const remaining = header.dataLength - this.dataConsumed
    let bytes = input.length > remaining ? input.subarray(0, remaining) : input
    if (bytes.length === 0) return []
    this.dataConsumed += bytes.length
    const align = header.blockAlign
    // Complete the partial frame left by the previous chunk, without copying the whole chunk.
    let first: Uint8Array | null = null
    if (this.carry.length > 0) {
      const need = align - this.carry.length
      if (bytes.length < need) {
        const joined = new Uint8Array(this.carry.length + bytes.length)
        joined.set(this.carry)
        joined.set(bytes, this.carry.length)
        this.carry = joined
        return []
      }
      first = new Uint8Array(align)
      first.set(this.carry)
      first.set(bytes.subarray(0, need), this.carry.length)
      bytes = bytes.subarray(need)
    }
    const frames = Math.floor(bytes.length / align)
    this.carry = bytes.slice(frames * align)
    const lead = first === null ? 0 : 1
    const total = lead + frames
    if (total === 0) return []
    const out: Float32Array[] = []
    for (let c = 0; c < header.channels; c++) out.push(new Float32Array(total))
    if (first !== null) decodeInterleaved(header.layout, first, 1, out, 0)
    decodeInterleaved(header.layout, bytes, frames, out, lead)
    this._framesDecoded += total
    return out
  }
}

/**
 * A FrameReader over a PCM file that is read on demand: `readAt(offset, length)` returns the
 * file's bytes [offset, offset + length) (for example through fs.readSync). The header must come
 * from a parse that knew the file size, so that `frames` is finite.
 */
export function pcmFileReader(
  header: PcmHeader,
  readAt: (offset: number, length: number) => Uint8Array,
): FrameReader {
  if (!Number.isFinite(header.frames)) {
    throw new RangeError('pcmFileReader needs a header parsed with the file size')
  }
  return {
    sampleRate: header.sampleRate,
    channelCount: header.channels,
    frames: header.frames,
    read(start, count) {
      const bytes = readAt(header.dataOffset + start * header.blockAlign, count * header.blockAlign)
      return decodePcmFrames(header, bytes)
    },
  }
}
