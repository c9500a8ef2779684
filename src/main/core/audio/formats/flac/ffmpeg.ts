import { FLAC_WASM_BROTLI_BASE64 } from './ffmpeg-wasm'
import { copiedParts, type DecodeCount, type DecodedParts, type PartVisitor } from '../planar-parts'
import { ReactorInstances, type ReactorExports } from '../wasi-reactor'

/** The exports of ffmpeg-decoder.c. */
interface FlacFfmpegExports extends ReactorExports {
  flac_input(size: number): number
  flac_open(channels: number, streamInfoSize: number): number
  flac_decode(size: number): number
  flac_more(): number
  flac_end(): number
  flac_channel(c: number): number
  flac_decode_errors(): number
}

/**
 * Bytes parsed and decoded per call into the module: under a second of CD-quality FLAC. A call
 * also stops at a bounded number of samples (ffmpeg-decoder.c), so the module's memory stays
 * small however far the frames compress.
 */
const BATCH_BYTES = 64 * 1024

/** This thread's instances of the module (one kept spare between decoders). */
const instances = new ReactorInstances<FlacFfmpegExports>(FLAC_WASM_BROTLI_BASE64, 'FLAC decoder')

/**
 * A native FLAC stream decoded by FFmpeg's own parser and decoder (WebAssembly, see
 * ffmpeg-decoder.c): opened on the stream's STREAMINFO block (34 bytes), then fed the bytes from
 * a frame header on, in file order and pieces of any size. Samples come out scaled int /
 * 2^(bits-1), as ffmpeg's; every part has `channels` channels.
 */
export class FfmpegFlacDecoder {
  private exports: FlacFfmpegExports | undefined
  private errorsSeen = 0

  constructor(
    streamInfo: Uint8Array,
    readonly channels: number,
  ) {
    const exports = instances.take()
    const at = exports.flac_input(streamInfo.length)
    if (at === 0) throw new Error('the FLAC decoder ran out of memory')
    new Uint8Array(exports.memory.buffer, at, streamInfo.length).set(streamInfo)
    const opened = exports.flac_open(channels, streamInfo.length)
    if (opened < 0) {
      instances.give(exports)
      throw new Error(`the FLAC decoder could not be opened (${opened})`)
    }
    this.exports = exports
  }

  /** Decodes the frames completed by `bytes`; an incomplete one waits for the next call. */
  decode(bytes: Uint8Array): DecodedParts {
    return copiedParts((visit) => this.decodeEach(bytes, visit))
  }

  /** Ends the stream: its last frames, which the parser held until now. */
  end(): DecodedParts {
    return copiedParts((visit) => this.endEach(visit))
  }

  /**
   * Decodes as decode() does, but hands each part to `visit` as views of the module's memory,
   * valid only during the call: nothing is copied out (a worker computing peaks would otherwise
   * leave tens of megabytes of garbage between its collections).
   */
  decodeEach(bytes: Uint8Array, visit: PartVisitor): DecodeCount {
    const exports = this.live()
    let samplesDecoded = 0
    for (let at = 0; at < bytes.length; at += BATCH_BYTES) {
      const piece = bytes.subarray(at, at + BATCH_BYTES)
      const input = exports.flac_input(piece.length)
      if (input === 0) throw new Error('the FLAC decoder ran out of memory')
      new Uint8Array(exports.memory.buffer, input, piece.length).set(piece)
      samplesDecoded += this.drain(exports.flac_decode(piece.length), visit)
    }
    return { samplesDecoded, errors: this.newErrors() }
  }

  /** Ends the stream as end() does, handing the parts to `visit` as decodeEach does. */
  endEach(visit: PartVisitor): DecodeCount {
    const samplesDecoded = this.drain(this.live().flac_end(), visit)
    return { samplesDecoded, errors: this.newErrors() }
  }

  /** Ends the decode; the module instance is kept for the next decoder on this thread. */
  free(): void {
    if (this.exports) instances.give(this.exports)
    this.exports = undefined
  }

  private live(): FlacFfmpegExports {
    if (!this.exports) throw new Error('the FLAC decoder was freed')
    return this.exports
  }

  /** Visits what a call gave (`n` samples) and what the calls after it give, until none. */
  private drain(n: number, visit: PartVisitor): number {
    const exports = this.live()
    let samples = 0
    for (; n !== 0; n = exports.flac_more()) {
      if (n < 0) throw new Error(`FFmpeg error ${n}`)
      const part: Float32Array[] = []
      for (let c = 0; c < this.channels; c++) {
        part.push(new Float32Array(exports.memory.buffer, exports.flac_channel(c), n))
      }
      visit(part)
      samples += n
    }
    return samples
  }

  private newErrors(): number {
    const errors = this.live().flac_decode_errors()
    const fresh = errors - this.errorsSeen
    this.errorsSeen = errors
    return fresh
  }
}
