import { OGG_WASM_BROTLI_BASE64 } from './ffmpeg-wasm'
import { OggPacketReader, type OggPacketPage } from './packets'
import type { DecodeCount, DecodedParts, PartVisitor } from '../planar-parts'
import { ReactorInstances, type ReactorExports } from '../wasi-reactor'

/** The codecs of Ogg files decoded here. */
export type OggCodec = 'vorbis' | 'opus'

/** The exports of ffmpeg-decoder.c. */
interface OggFfmpegExports extends ReactorExports {
  ogg_input(size: number): number
  ogg_lengths(): number
  ogg_max_packets(): number
  ogg_open(codec: number, size: number): number
  ogg_decode(count: number): number
  ogg_channel(c: number): number
  ogg_channels(): number
  ogg_decode_errors(): number
}

/** Header packets before the audio: Vorbis identification, comment, setup; Opus head, tags. */
const HEADER_PACKETS: Record<OggCodec, number> = { vorbis: 3, opus: 2 }

/**
 * Packet bytes decoded per call into the module: a few seconds of audio. What a call gives is
 * held in the module until copied out; bounded, the module's memory stays small (and a 20-second
 * segment decoded in one call ran 2-3 times slower than in calls of this size).
 */
const BATCH_BYTES = 32 * 1024

/** This thread's instances of the module (one kept spare between decoders). */
const instances = new ReactorInstances<OggFfmpegExports>(OGG_WASM_BROTLI_BASE64, 'Ogg decoder')

/** One logical stream: its decoder instance (fresh per stream, its memory goes with it). */
interface StreamState {
  serial: number
  headers: Uint8Array[]
  exports: OggFfmpegExports | undefined
  /** The header packets were refused: the stream's audio is not decoded. */
  refused: boolean
  /** Samples per channel given so far. */
  given: number
  /** Samples per channel the stream holds, known at its last page. */
  limit: number
  ended: boolean
  errorsSeen: number
}

/**
 * An Ogg Vorbis or Opus decoder over FFmpeg's own Vorbis and Opus decoders (WebAssembly, see
 * ffmpeg-decoder.c), with the gapless rules of ffmpeg's Ogg demuxer: Opus drops the header's
 * pre-skip (the decoder does), and the end-of-stream page's granule position trims the padding
 * of the last packets (Vorbis: the granule counts samples; Opus: it counts the pre-skip too).
 * A new stream after the end of one (a chained file) starts a new decoder.
 */
export class FfmpegOggDecoder {
  private readonly reader = new OggPacketReader()
  private stream: StreamState | undefined
  private batch: Uint8Array[] = []
  private batchBytes = 0
  private out: Float32Array[][] = []
  private outLength = 0
  private errors = 0

  /** Where decoded parts go: copied into `out` (decode, flush), or handed to decodeEach's visitor. */
  private sink: PartVisitor = (part) => {
    this.out.push(part.map((ch) => ch.slice()))
    this.outLength += part[0]!.length
  }

  constructor(private readonly codec: OggCodec) {}

  /** Decodes the pages completed by `data` (bytes of any size, in file order). */
  decode(data: Uint8Array): DecodedParts {
    this.feed(data)
    return this.take()
  }

  /** Decodes what is left at the end of the input. */
  flush(): DecodedParts {
    this.finish()
    return this.take()
  }

  /**
   * Decodes as decode() does (flush() when `data` is undefined), but hands each part to `visit`
   * as views of the module's memory, valid only during the call: nothing is copied out (a worker
   * computing peaks would otherwise leave tens of megabytes of garbage between its collections).
   */
  decodeEach(data: Uint8Array | undefined, visit: PartVisitor): DecodeCount {
    const copy = this.sink
    let samplesDecoded = 0
    this.sink = (part) => {
      visit(part)
      samplesDecoded += part[0]!.length
    }
    try {
      if (data) this.feed(data)
      else this.finish()
    } finally {
      this.sink = copy
    }
    return { samplesDecoded, errors: this.take().errors }
  }

  private feed(data: Uint8Array): void {
    for (const page of this.reader.push(data)) this.page(page)
    this.decodeBatch()
  }

  private finish(): void {
    this.decodeBatch()
    const exports = this.stream?.exports
    if (exports) this.collect(exports, exports.ogg_decode(0))
  }

  /** Ends the decode; the module instance is kept for the next decoder on this thread. */
  free(): void {
    this.release()
    this.stream = undefined
  }

  private release(): void {
    if (this.stream?.exports) instances.give(this.stream.exports)
    if (this.stream) this.stream.exports = undefined
  }

  private page(page: OggPacketPage): void {
    if (this.stream === undefined || (this.stream.ended && page.bos)) {
      this.decodeBatch()
      this.release()
      this.stream = {
        serial: page.serial,
        headers: [],
        exports: undefined,
        refused: false,
        given: 0,
        limit: Infinity,
        ended: false,
        errorsSeen: 0,
      }
    }
    const stream = this.stream
    if (page.serial !== stream.serial || stream.ended) return
    for (const packet of page.packets) {
      if (stream.headers.length < HEADER_PACKETS[this.codec]) {
        stream.headers.push(packet.slice())
        if (stream.headers.length === HEADER_PACKETS[this.codec]) this.open(stream)
      } else if (stream.exports) {
        this.batch.push(packet)
        this.batchBytes += packet.length
        if (
          this.batch.length === stream.exports.ogg_max_packets() ||
          this.batchBytes >= BATCH_BYTES
        ) {
          this.decodeBatch()
        }
      }
    }
    if (page.eos) {
      if (page.granule >= 0 && stream.headers.length > 0) {
        stream.limit = page.granule - (this.codec === 'opus' ? opusPreSkip(stream.headers[0]!) : 0)
      }
      this.decodeBatch()
      stream.ended = true
    }
  }

  private open(stream: StreamState): void {
    const setup = this.codec === 'vorbis' ? xiphLaced(stream.headers) : stream.headers[0]!
    const exports = instances.take()
    const at = exports.ogg_input(setup.length)
    if (at === 0) throw new Error('the Ogg decoder ran out of memory')
    new Uint8Array(exports.memory.buffer, at, setup.length).set(setup)
    if (exports.ogg_open(this.codec === 'vorbis' ? 0 : 1, setup.length) < 0) {
      instances.give(exports)
      stream.refused = true
      this.errors++
      return
    }
    stream.exports = exports
  }

  /** Decodes the packets gathered so far, in one call into the module. */
  private decodeBatch(): void {
    const exports = this.stream?.exports
    if (!exports || this.batch.length === 0) return
    const at = exports.ogg_input(this.batchBytes)
    if (at === 0) throw new Error('the Ogg decoder ran out of memory')
    const input = new Uint8Array(exports.memory.buffer, at, this.batchBytes)
    const lengths = new Int32Array(exports.memory.buffer, exports.ogg_lengths(), this.batch.length)
    let offset = 0
    this.batch.forEach((packet, i) => {
      input.set(packet, offset)
      offset += packet.length
      lengths[i] = packet.length
    })
    const count = this.batch.length
    this.batch = []
    this.batchBytes = 0
    this.collect(exports, exports.ogg_decode(count))
  }

  /** Gives the sink what the last call decoded, up to the stream's length. */
  private collect(exports: OggFfmpegExports, decoded: number): void {
    const stream = this.stream!
    if (decoded < 0) throw new Error(`FFmpeg error ${decoded}`)
    const errors = exports.ogg_decode_errors()
    this.errors += errors - stream.errorsSeen
    stream.errorsSeen = errors
    const n = Math.max(0, Math.min(decoded, stream.limit - stream.given))
    if (n === 0) return
    const channels: Float32Array[] = []
    for (let c = 0; c < exports.ogg_channels(); c++) {
      channels.push(new Float32Array(exports.memory.buffer, exports.ogg_channel(c), n))
    }
    stream.given += n
    this.sink(channels)
  }

  private take(): DecodedParts {
    const out = { parts: this.out, samplesDecoded: this.outLength, errors: this.errors }
    this.out = []
    this.outLength = 0
    this.errors = 0
    return out
  }
}

/** The three Vorbis header packets as one setup block in Xiph lacing (FFmpeg's extradata). */
function xiphLaced(packets: Uint8Array[]): Uint8Array {
  const sizes: number[] = [packets.length - 1]
  for (const p of packets.slice(0, -1)) {
    for (let n = p.length; ; n -= 255) {
      sizes.push(Math.min(n, 255))
      if (n < 255) break
    }
  }
  const total = packets.reduce((n, p) => n + p.length, sizes.length)
  const out = new Uint8Array(total)
  out.set(sizes)
  let at = sizes.length
  for (const p of packets) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** OpusHead: 'OpusHead', version (u8), channels (u8), pre-skip (u16 LE). */
function opusPreSkip(head: Uint8Array): number {
  return head.length >= 12 ? head[10]! | (head[11]! << 8) : 0
}
