import { AudioError } from '../../audio-error'
import type { FrameReader, PcmAudio } from '../../dsp/pcm'
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
 * Splits the bytes of a PCM file, pushed in chunks of any size, into its header and runs of whole
 * frames of its data region. Holds at most one partial frame between pushes, plus the header
 * bytes until the header is complete. The runs are views, valid until the next push.
 */
export class PcmFrameSplitter<H extends PcmHeader> {
  private headBytes: Uint8Array = new Uint8Array(0)
  private _header: H | undefined
  private _bytesSeen = 0
  /** Bytes of the data region consumed so far. */
  private dataConsumed = 0
  /** The partial frame left by the previous chunk: carryLength bytes. */
  private carry = new Uint8Array(0)
  private carryLength = 0
  /** The frame completed from the carry and the start of a chunk. */
  private joined = new Uint8Array(0)
  private _frames = 0

  constructor(
    private readonly parse: HeaderParser<H>,
    private readonly fileSize?: number,
  ) {}

  /** The header, once enough bytes have been pushed. */
  get header(): H | undefined {
    return this._header
  }

  /** Frames of the data region seen so far. */
  get frames(): number {
    return this._frames
  }

  /** Bytes pushed so far. */
  get bytesSeen(): number {
    return this._bytesSeen
  }

  /** Calls `onFrames` with the runs of whole frames this chunk completes (none, one or two). */
  push(chunk: Uint8Array, onFrames: (frames: Uint8Array) => void): void {
    this._bytesSeen += chunk.length
    if (this._header !== undefined) {
      this.split(chunk, onFrames)
      return
    }
    let bytes = chunk
    if (this.headBytes.length > 0) {
      bytes = new Uint8Array(this.headBytes.length + chunk.length)
      bytes.set(this.headBytes)
      bytes.set(chunk, this.headBytes.length)
    }
    const options = this.fileSize === undefined ? {} : { fileSize: this.fileSize }
    const header = this.parse(bytes, options)
    if (header === undefined) {
      this.headBytes = bytes === chunk ? chunk.slice() : bytes
      return
    }
    this._header = header
    this.headBytes = new Uint8Array(0)
    // Continue with the bytes of the data region in hand.
    this.split(bytes.subarray(Math.min(header.dataOffset, bytes.length)), onFrames)
  }

  /**
   * Signals the end of the input. Throws AudioError when the header never completed; returns the
   * total number of frames. A trailing partial frame is dropped. Frames that only a header
   * completed at the end makes available are counted but not passed on.
   */
  end(): number {
    if (this._header === undefined) {
      if (this._bytesSeen === 0) throw new AudioError('empty', 'the file is empty (0 bytes)')
      const header = this.parse(this.headBytes, { fileSize: this._bytesSeen, final: true })
      if (header === undefined) throw new AudioError('truncated', 'the file ends inside its header')
      this._header = header
      this.split(
        this.headBytes.subarray(Math.min(header.dataOffset, this.headBytes.length)),
        () => {},
      )
    }
    return this._frames
  }

  private split(input: Uint8Array, onFrames: (frames: Uint8Array) => void): void {
    const header = this._header!
    const remaining = header.dataLength - this.dataConsumed
    let bytes = input.length > remaining ? input.subarray(0, remaining) : input
    if (bytes.length === 0) return
    this.dataConsumed += bytes.length
    const align = header.blockAlign
    if (this.carry.length !== align) {
      this.carry = new Uint8Array(align)
      this.joined = new Uint8Array(align)
    }
    // Complete the partial frame left by the previous chunk, without copying the whole chunk.
    if (this.carryLength > 0) {
      const need = align - this.carryLength
      if (bytes.length < need) {
        this.carry.set(bytes, this.carryLength)
        this.carryLength += bytes.length
        return
      }
      this.joined.set(this.carry.subarray(0, this.carryLength))
      this.joined.set(bytes.subarray(0, need), this.carryLength)
      this.carryLength = 0
      bytes = bytes.subarray(need)
      this._frames += 1
      onFrames(this.joined)
    }
    const frames = Math.floor(bytes.length / align)
    const whole = frames * align
    this.carry.set(bytes.subarray(whole))
    this.carryLength = bytes.length - whole
    if (frames === 0) return
    this._frames += frames
    onFrames(bytes.subarray(0, whole))
  }
}

/**
 * Incremental decoder: push the bytes of a file in chunks of any size (for example from a read
 * stream); each push returns the planar frames completed by that chunk (possibly none). Holds at
 * most one partial frame between pushes, plus the header bytes until the header is complete.
 */
export class PcmStreamDecoder<H extends PcmHeader> {
  private readonly splitter: PcmFrameSplitter<H>
  private readonly runs: Uint8Array[] = []
  private readonly collect = (frames: Uint8Array): void => {
    this.runs.push(frames)
  }

  constructor(parse: HeaderParser<H>, fileSize?: number) {
    this.splitter = new PcmFrameSplitter(parse, fileSize)
  }

  /** The header, once enough bytes have been pushed. */
  get header(): H | undefined {
    return this.splitter.header
  }

  get framesDecoded(): number {
    return this.splitter.frames
  }

  /** Returns the planar frames completed by this chunk, or [] when it completed none. */
  push(chunk: Uint8Array): Float32Array[] {
    const runs = this.runs
    runs.length = 0
    this.splitter.push(chunk, this.collect)
    if (runs.length === 0) return []
    const header = this.splitter.header!
    let total = 0
    for (const run of runs) total += run.length / header.blockAlign
    const out: Float32Array[] = []
    for (let c = 0; c < header.channels; c++) out.push(new Float32Array(total))
    let at = 0
    for (const run of runs) {
      const frames = run.length / header.blockAlign
      decodeInterleaved(header.layout, run, frames, out, at)
      at += frames
    }
    runs.length = 0
    return out
  }

  /**
   * Signals the end of the input. Throws AudioError when the header never completed; returns the
   * total number of frames decoded. A trailing partial frame is dropped.
   */
  end(): number {
    return this.splitter.end()
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
