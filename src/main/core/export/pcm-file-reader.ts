import { readSync } from 'node:fs'
import type { BufferedFrameReader, StereoBuffer } from '../audio/dsp'
import { decodeInterleaved, type PcmHeader } from '../audio/formats/pcm'
import { BufferPool } from './buffer-pool'

const S16 = 1 / 32768
const S24 = 1 / 8388608
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
/** Frames read from a file at once. */
const READ_AHEAD_FRAMES = 1 << 16

/**
 * Random access to the frames of an open PCM file (WAV, AIFF) through positional reads into one
 * byte buffer that is reused from read to read. Frames the file no longer holds (cut meanwhile)
 * read as silence from readInto and mixInto; read() returns only the frames there were.
 */
export class PcmFileReader implements BufferedFrameReader {
  readonly sampleRate: number
  readonly channelCount: number
  readonly frames: number
  // Read-ahead window: the bytes of frames [#windowStart, #windowStart + #windowFrames), from
  // byte 0 of a plain ArrayBuffer, so that 32-bit words can be read from it.
  #buffer = new ArrayBuffer(0)
  #windowStart = 0
  #windowFrames = 0
  #decoded: Float32Array[] = []

  constructor(
    private readonly fd: number,
    private readonly header: PcmHeader,
    private readonly pool = new BufferPool(),
  ) {
    if (!Number.isFinite(header.frames)) {
      throw new RangeError('PcmFileReader needs a header parsed with the file size')
    }
    this.sampleRate = header.sampleRate
    this.channelCount = header.channels
    this.frames = header.frames
  }

  read(start: number, count: number): Float32Array[] {
    const out = Array.from({ length: this.channelCount }, () => new Float32Array(count))
    const got = this.#decode(start, count, out, 0)
    return got === count ? out : out.map((channel) => channel.slice(0, got))
  }

  readInto(start: number, count: number, out: Float32Array[], outOffset: number): void {
    const got = this.#decode(start, count, out, outOffset)
    for (let c = 0; c < this.channelCount; c++) out[c]!.fill(0, outOffset + got, outOffset + count)
  }

  mixInto(start: number, count: number, gain: number, out: StereoBuffer, outOffset: number): void {
    const { layout, channels } = this.header
    const direct =
      LITTLE_ENDIAN_HOST &&
      layout.encoding === 'int' &&
      !layout.bigEndian &&
      channels === 2 &&
      (layout.bitsPerSample === 16 || layout.bitsPerSample === 24)
    if (direct) {
      const { byte, frames } = this.#load(start, count)
      // Integer samples of up to 24 bits are exact in Float32: decoding straight into the sum
      // gives the very values decodeInterleaved would have produced.
      const words = new Uint32Array(
        this.#buffer,
        byte,
        Math.ceil((frames * layout.bitsPerSample) / 16),
      )
      if (layout.bitsPerSample === 24) mixInt24Stereo(words, frames, gain, out, outOffset)
      else mixInt16Stereo(words, frames, gain, out, outOffset)
    } else {
      if ((this.#decoded[0]?.length ?? 0) < count) {
        this.#decoded = Array.from({ length: channels }, () => new Float32Array(count))
      }
      const decoded = this.#decoded
      const frames = this.#decode(start, count, decoded, 0)
      const left = decoded[0]!
      const right = channels > 1 ? decoded[1]! : left
      const [outL, outR] = out
      for (let i = 0; i < frames; i++) {
        outL[outOffset + i] = outL[outOffset + i]! + left[i]! * gain
        outR[outOffset + i] = outR[outOffset + i]! + right[i]! * gain
      }
    }
    // Frames the file no longer holds are silence: adding 0 × gain (+0) changes no sum.
  }

  /** Gives the read-ahead buffer back to the pool (the reader can still be used). */
  release(): void {
    this.pool.give(this.#buffer)
    this.#buffer = new ArrayBuffer(0)
    this.#windowFrames = 0
  }

  #decode(start: number, count: number, out: Float32Array[], outOffset: number): number {
    const { byte, frames } = this.#load(start, count)
    const bytes = new Uint8Array(this.#buffer, byte, frames * this.header.blockAlign)
    decodeInterleaved(this.header.layout, bytes, frames, out, outOffset)
    return frames
  }

  /**
   * Makes the bytes of frames [start, start + count) available at `byte` (a multiple of 4) in
   * the window; `frames` says how many of them the file holds. Reads ahead, so that rendering
   * chunk after chunk reads a file in few large system calls.
   */
  #load(start: number, count: number): { byte: number; frames: number } {
    const { blockAlign, dataOffset } = this.header
    const skip = start - this.#windowStart
    const inWindow =
      skip >= 0 &&
      (skip * blockAlign) % 4 === 0 &&
      (start + count <= this.#windowStart + this.#windowFrames ||
        this.#windowStart + this.#windowFrames === this.frames)
    if (!inWindow) {
      const frames = Math.max(count, Math.min(READ_AHEAD_FRAMES, this.frames - start))
      const length = frames * blockAlign
      if (this.#buffer.byteLength < length) {
        this.pool.give(this.#buffer)
        this.#buffer = this.pool.take(Math.ceil(length / 4) * 4)
      }
      const bytes = new Uint8Array(this.#buffer, 0, length)
      const position = dataOffset + start * blockAlign
      let got = 0
      while (got < length) {
        const read = readSync(this.fd, bytes, got, length - got, position + got)
        if (read === 0) break
        got += read
      }
      this.#windowStart = start
      this.#windowFrames = Math.floor(got / blockAlign)
    }
    const at = start - this.#windowStart
    return {
      byte: at * blockAlign,
      frames: Math.max(0, Math.min(count, this.#windowFrames - at)),
    }
  }
}

/** Stereo 24-bit little-endian: two frames (12 bytes) in three words. */
function mixInt24Stereo(
  words: Uint32Array,
  frames: number,
  gain: number,
  out: StereoBuffer,
  outOffset: number,
): void {
  // (x × 2^-23) × gain = x × (2^-23 × gain) exactly: scaling by a power of two does not round.
  const g = S24 * gain
  const [outL, outR] = out
  let o = outOffset
  let w = 0
  for (const end = outOffset + (frames & ~1); o < end; o += 2, w += 3) {
    const w0 = words[w]!
    const w1 = words[w + 1]!
    const w2 = words[w + 2]!
    outL[o] = outL[o]! + ((w0 << 8) >> 8) * g
    outR[o] = outR[o]! + ((((w0 >>> 24) | (w1 << 8)) << 8) >> 8) * g
    outL[o + 1] = outL[o + 1]! + ((((w1 >>> 16) | (w2 << 16)) << 8) >> 8) * g
    outR[o + 1] = outR[o + 1]! + (w2 >> 8) * g
  }
  if (frames & 1) {
    // The last frame: bytes 0–5 of the next group of three words.
    const w0 = words[w]!
    const w1 = words[w + 1]!
    outL[o] = outL[o]! + ((w0 << 8) >> 8) * g
    outR[o] = outR[o]! + ((((w0 >>> 24) | (w1 << 8)) << 8) >> 8) * g
  }
}

/** Stereo 16-bit little-endian: one frame per word. */
function mixInt16Stereo(
  words: Uint32Array,
  frames: number,
  gain: number,
  out: StereoBuffer,
  outOffset: number,
): void {
  const g = S16 * gain // exactly as above
  const [outL, outR] = out
  for (let i = 0, o = outOffset; i < frames; i++, o++) {
    const w = words[i]!
    outL[o] = outL[o]! + ((w << 16) >> 16) * g
    outR[o] = outR[o]! + (w >> 16) * g
  }
}
