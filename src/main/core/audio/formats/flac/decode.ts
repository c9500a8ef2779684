import type { FLACDecodedAudio, FLACDecoder } from '@wasm-audio-decoders/flac'
import { AudioError } from '../../audio-error'
import { joinPlanar, type ChunkDecoder } from '../../chunk-decoder'
import { crc8, flacSlices } from './frame-sync'
import {
  flacAudioStart,
  parseFlacStreamInfo,
  trustFrames,
  writeStreamInfo,
  type FlacStreamInfo,
} from './header'

/** Samples (all channels) one decode call may return: 4 MB of floats. */
export const FLAC_SLICE_SAMPLES = 1 << 18
/** Bytes of metadata held while looking for the first frame, beyond which STREAMINFO is used. */
const HEAD_LIMIT = 32 << 20

/**
 * Streaming native FLAC decoder over libFLAC (WASM). STREAMINFO is read here, so the rate and
 * channels are known before the first frame; a stream that stops before STREAMINFO's total
 * sample count is 'truncated' (damaged frames are dropped
 * by the frame parser, so damage in the middle also reads as 'truncated'). The package scales integers by 1/(2^(bits-1) - 1); samples are
 * rescaled to 1/2^(bits-1), as ffmpeg (and our WAV codec) do, so that -32768 maps to -1.
 */
export async function createFlacDecoder(): Promise<ChunkDecoder> {
  // Dynamic import: the package is ESM-only and the main process bundle is CommonJS.
  const { FLACDecoder: Decoder } = await import('@wasm-audio-decoders/flac')
  const decoder = new Decoder()
  await decoder.ready
  return new FlacDecoder(decoder)
}

class FlacDecoder implements ChunkDecoder {
  private head: Uint8Array = new Uint8Array(0)
  private readonly pending: Float32Array[][] = []
  private info: FlacStreamInfo | undefined
  private decoded = 0
  private errors = 0
  private freed = false

  constructor(private readonly decoder: FLACDecoder) {}

  get sampleRate(): number {
    return this.info?.sampleRate ?? 0
  }

  get channels(): number {
    return this.info?.channels ?? 0
  }

  get expectedFrames(): number | undefined {
    return this.info?.totalSamples || undefined
  }

  /**
   * The bytes to push, in slices that each decode to a bounded number of samples (flacSlices).
   * The file's first bytes are held until the first frame header shows: STREAMINFO is then
   * corrected by it (trustFrames) before the decoder sees it.
   */
  split(chunk: Uint8Array): Uint8Array[] {
    if (this.info !== undefined) return [...flacSlices(chunk, FLAC_SLICE_SAMPLES)]
    const joined = new Uint8Array(this.head.length + chunk.length)
    joined.set(this.head)
    joined.set(chunk, this.head.length)
    this.head = joined
    return this.resolveHead(false)
  }

  /** Reads STREAMINFO and the first frame header from the held bytes, once they hold them. */
  private resolveHead(final: boolean): Uint8Array[] {
    const head = this.head
    const info = parseFlacStreamInfo(head)
    if (info === undefined) return []
    const start = flacAudioStart(head)
    // Metadata runs on (pictures): wait for the first frame, up to a bound.
    const waiting = start === undefined || start + 16 > head.length
    if (waiting && !final && head.length < HEAD_LIMIT) return []
    // A file shorter than its metadata says: STREAMINFO alone, and the decoder finds no frame.
    this.info = trustFrames(info, head, start ?? head.length)
    writeStreamInfo(head, this.info)
    this.head = new Uint8Array(0)
    return [...flacSlices(head, FLAC_SLICE_SAMPLES)]
  }

  async push(slice: Uint8Array): Promise<Float32Array[]> {
    return this.take(await this.decoder.decode(slice))
  }

  async end(): Promise<Float32Array[]> {
    if (this.info === undefined) {
      if (this.head.length < 42) {
        throw new AudioError('truncated', 'the file ends inside its FLAC header')
      }
      // A short file: its last frames are still held.
      for (const slice of this.resolveHead(true)) this.pending.push(await this.push(slice))
    }
    const tail = this.take(await this.decoder.decode(endOfStream()))
    const last = joinAll([...this.pending.splice(0), tail])
    const expected = this.info!.totalSamples
    checkFlacDecoded(this.decoded, expected, this.errors)
    if (expected > 0 && this.decoded > expected) {
      // Never more than STREAMINFO says (a stray frame after the end).
      const keep = last[0]!.length - (this.decoded - expected)
      return last.map((ch) => ch.subarray(0, Math.max(0, keep)))
    }
    return last
  }

  free(): void {
    if (this.freed) return
    this.freed = true
    this.decoder.free()
  }

  private take(out: FLACDecodedAudio): Float32Array[] {
    this.errors += out.errors.length
    if (out.samplesDecoded === 0) return []
    this.decoded += out.samplesDecoded
    rescaleFlacOutput(out, this.info!.bitsPerSample)
    return out.channelData
  }
}

/**
 * Bytes to feed after the last ones of a stream, in place of the package's flush(). The frame
 * parser passes on a frame once it sees the header of the next one; at the end of the stream,
 * flush() should pass on the last frame but misses it when the scan for a next header stops on
 * the frame's last byte (codec-parser 2: a frame whose third-last byte is 0xFF). So this is a
 * frame header (fixed block size, the rest from STREAMINFO, a valid CRC-8) and room for the parser
 * to read it: the last frame passes as any other, and the mark itself is never decoded.
 */
export function endOfStream(): Uint8Array {
  const mark = new Uint8Array(24)
  mark.set([0xff, 0xf8, 0x10, 0x00, 0x00])
  mark[5] = crc8(mark.subarray(0, 5))
  return mark
}

/**
 * Throws the AudioError a whole decode ends with: decoder errors, nothing decoded, or fewer
 * samples than STREAMINFO announces (`expected`, 0 when unknown).
 */
export function checkFlacDecoded(decoded: number, expected: number, errors: number): void {
  if (errors > 0) throw new AudioError('corrupt', 'the FLAC stream is damaged')
  if (decoded === 0) throw new AudioError('corrupt', 'no FLAC frame in the file could be decoded')
  if (expected > 0 && decoded < expected) {
    throw new AudioError(
      'truncated',
      `the FLAC stream is cut short or damaged (${decoded} of ${expected} samples per channel)`,
    )
  }
}

/**
 * Rescales the package's output in place from int / (2^(bits-1) - 1) to int / 2^(bits-1).
 * `bitsPerSample`: STREAMINFO's, for output that does not say.
 */
export function rescaleFlacOutput(out: FLACDecodedAudio, bitsPerSample: number): void {
  const bits = out.bitDepth || bitsPerSample
  const max = 2 ** (bits - 1) - 1
  const scale = 1 / (max + 1)
  for (const ch of out.channelData) rescaleChannel(ch, max, scale)
}

/**
 * Back to the integer (exact: the package computed int / max), then to int / 2^(bits-1).
 * Math.floor(x + 0.5) rounds like Math.round here (x is within 1e-3 of an integer) but compiles
 * to a single instruction, several times faster; it never yields -0.
 */
function rescaleChannel(ch: Float32Array, max: number, scale: number): void {
  const n = ch.length
  for (let i = 0; i < n; i++) ch[i] = Math.floor(ch[i]! * max + 0.5) * scale
}

function joinAll(parts: Float32Array[][]): Float32Array[] {
  return parts.reduce((all, part) => joinPlanar(all, part), [])
}
