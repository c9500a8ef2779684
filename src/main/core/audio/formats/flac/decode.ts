import { AudioError } from '../../audio-error'
import { joinPlanar, type ChunkDecoder } from '../../chunk-decoder'
import { joinPlanarParts, type DecodedParts } from '../planar-parts'
import { FfmpegFlacDecoder } from './ffmpeg'
import { flacSlices } from './frame-sync'
import {
  flacAudioStart,
  parseFlacStreamInfo,
  streamInfoBlock,
  trustFrames,
  type FlacStreamInfo,
} from './header'

/** Samples (all channels) one decode call may return: 4 MB of floats. */
export const FLAC_SLICE_SAMPLES = 1 << 18
/** Bytes of metadata held while looking for the first frame, beyond which STREAMINFO is used. */
const HEAD_LIMIT = 32 << 20

/**
 * Streaming native FLAC decoder over FFmpeg's FLAC parser and decoder (WebAssembly, ffmpeg.ts).
 * STREAMINFO is read here, so the rate and channels are known before the first frame; a stream
 * that stops before STREAMINFO's total sample count is 'truncated' (frames whose CRC fails are
 * dropped, so damage in the middle also reads as 'truncated'). Samples are int / 2^(bits-1), as
 * ffmpeg (and our WAV codec) scale them, so that -32768 maps to -1.
 */
export function createFlacDecoder(): Promise<ChunkDecoder> {
  return Promise.resolve(new FlacDecoder())
}

class FlacDecoder implements ChunkDecoder {
  private head: Uint8Array = new Uint8Array(0)
  private readonly pending: Float32Array[][] = []
  private info: FlacStreamInfo | undefined
  private decoder: FfmpegFlacDecoder | undefined
  private decoded = 0
  private errors = 0
  private freed = false

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
   * corrected by it (trustFrames) and the decoder opened on it.
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
    this.info = trustFrames(info, head, start ?? head.length)
    this.decoder = new FfmpegFlacDecoder(streamInfoBlock(head, this.info), this.info.channels)
    this.head = new Uint8Array(0)
    // A file shorter than its metadata says has no frame to decode.
    return start === undefined ? [] : [...flacSlices(head.subarray(start), FLAC_SLICE_SAMPLES)]
  }

  push(slice: Uint8Array): Promise<Float32Array[]> {
    return Promise.resolve(this.take(this.decoder!.decode(slice)))
  }

  async end(): Promise<Float32Array[]> {
    if (this.info === undefined) {
      if (this.head.length < 42) {
        throw new AudioError('truncated', 'the file ends inside its FLAC header')
      }
      // A short file: its last frames are still held.
      for (const slice of this.resolveHead(true)) this.pending.push(await this.push(slice))
    }
    const tail = this.take(this.decoder!.end())
    const last = joinAll([...this.pending.splice(0), tail])
    checkFlacDecoded(this.decoded, this.info!.totalSamples, this.errors)
    return last
  }

  free(): void {
    if (this.freed) return
    this.freed = true
    this.decoder?.free()
  }

  /** The samples of a decode call, never past STREAMINFO's length (stray frames after the end). */
  private take(out: DecodedParts): Float32Array[] {
    this.errors += out.errors
    const { totalSamples } = this.info!
    const keep = totalSamples > 0 ? totalSamples - this.decoded : out.samplesDecoded
    this.decoded += out.samplesDecoded
    if (out.samplesDecoded === 0 || keep <= 0) return []
    return joinPlanarParts(out.parts, this.info!.channels, Math.min(keep, out.samplesDecoded))
  }
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

function joinAll(parts: Float32Array[][]): Float32Array[] {
  return parts.reduce((all, part) => joinPlanar(all, part), [])
}
