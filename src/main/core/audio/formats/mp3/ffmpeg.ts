import { MP3_WASM_BROTLI_BASE64 } from './ffmpeg-wasm'
import { copiedParts, type DecodeCount, type DecodedParts, type PartVisitor } from '../planar-parts'
import { ReactorInstances, type ReactorExports } from '../wasi-reactor'

/** The exports of ffmpeg-decoder.c. */
interface Mp3FfmpegExports extends ReactorExports {
  mp3_input(size: number): number
  mp3_open(layer: number, channels: number): number
  mp3_decode(size: number): number
  mp3_channel(c: number): number
  mp3_sample_rate(): number
  mp3_decode_errors(): number
}

/**
 * Bytes parsed and decoded per call into the module: about a second of audio at 128 kbit/s.
 * What a call gives is held in the module until copied out; bounded, the module's memory stays
 * small.
 */
const BATCH_BYTES = 16 * 1024

/** This thread's instances of the module (one kept spare between decoders). */
const instances = new ReactorInstances<Mp3FfmpegExports>(MP3_WASM_BROTLI_BASE64, 'MP3 decoder')

/**
 * An MPEG audio stream decoded by FFmpeg's own parser and decoders (WebAssembly, see
 * ffmpeg-decoder.c): bytes in file order after the ID3v2 tags and the Xing/LAME tag frame, of
 * any size; samples out as ffmpeg decodes them, untrimmed. `layer` is the first frame's (1-3),
 * `channels` the stream's: every part has that many channels.
 */
export class FfmpegMp3Decoder {
  private exports: Mp3FfmpegExports | undefined
  private errorsSeen = 0

  constructor(
    layer: number,
    readonly channels: number,
  ) {
    const exports = instances.take()
    const opened = exports.mp3_open(layer, channels)
    if (opened < 0) {
      instances.give(exports)
      throw new Error(`the MP3 decoder refused MPEG audio layer ${layer} (${opened})`)
    }
    this.exports = exports
  }

  /** The sample rate of the frames decoded so far (0 before the first). */
  get sampleRate(): number {
    return this.exports?.mp3_sample_rate() ?? 0
  }

  /** Decodes the frames completed by `bytes`; an incomplete one waits for the next call. */
  decode(bytes: Uint8Array): DecodedParts {
    return copiedParts((visit) => this.decodeEach(bytes, visit))
  }

  /**
   * Decodes as decode() does, but hands each part to `visit` as views of the module's memory,
   * valid only during the call: nothing is copied out (a worker computing peaks would otherwise
   * leave tens of megabytes of garbage between its collections).
   */
  decodeEach(bytes: Uint8Array, visit: PartVisitor): DecodeCount {
    const exports = this.exports
    if (!exports) throw new Error('the MP3 decoder was freed')
    let samplesDecoded = 0
    for (let at = 0; at < bytes.length; at += BATCH_BYTES) {
      const piece = bytes.subarray(at, at + BATCH_BYTES)
      const input = exports.mp3_input(piece.length)
      if (input === 0) throw new Error('the MP3 decoder ran out of memory')
      new Uint8Array(exports.memory.buffer, input, piece.length).set(piece)
      const n = exports.mp3_decode(piece.length)
      if (n < 0) throw new Error(`FFmpeg error ${n}`)
      if (n === 0) continue
      const part: Float32Array[] = []
      for (let c = 0; c < this.channels; c++) {
        part.push(new Float32Array(exports.memory.buffer, exports.mp3_channel(c), n))
      }
      visit(part)
      samplesDecoded += n
    }
    const errors = exports.mp3_decode_errors()
    const out = { samplesDecoded, errors: errors - this.errorsSeen }
    this.errorsSeen = errors
    return out
  }

  /** Ends the decode; the module instance is kept for the next decoder on this thread. */
  free(): void {
    if (this.exports) instances.give(this.exports)
    this.exports = undefined
  }
}
