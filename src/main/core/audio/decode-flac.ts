import type { FLACDecodedAudio, FLACDecoder } from '@wasm-audio-decoders/flac'
import { AudioError } from './audio-error'
import type { ChunkDecoder } from './chunk-decoder'
import { parseFlacStreamInfo, type FlacStreamInfo } from './flac-header'

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

  async push(chunk: Uint8Array): Promise<Float32Array[]> {
    if (this.info === undefined) {
      const joined = new Uint8Array(this.head.length + chunk.length)
      joined.set(this.head)
      joined.set(chunk, this.head.length)
      this.head = joined
      this.info = parseFlacStreamInfo(joined)
      if (this.info === undefined) return []
      this.head = new Uint8Array(0)
      return this.take(await this.decoder.decode(joined))
    }
    return this.take(await this.decoder.decode(chunk))
  }

  async end(): Promise<Float32Array[]> {
    if (this.info === undefined) {
      throw new AudioError('truncated', 'the file ends inside its FLAC header')
    }
    const last = this.take(await this.decoder.flush())
    const expected = this.info.totalSamples
    if (this.errors > 0) throw new AudioError('corrupt', 'the FLAC stream is damaged')
    if (this.decoded === 0)
      throw new AudioError('corrupt', 'no FLAC frame in the file could be decoded')
    if (expected > 0 && this.decoded < expected) {
      throw new AudioError(
        'truncated',
        `the FLAC stream is cut short or damaged (${this.decoded} of ${expected} samples per channel)`,
      )
    }
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
    const bits = out.bitDepth || this.info!.bitsPerSample
    const max = 2 ** (bits - 1) - 1
    const scale = 1 / (max + 1)
    for (const ch of out.channelData) {
      // Back to the integer (exact: the package computed int / max), then to int / 2^(bits-1).
      for (let i = 0; i < ch.length; i++) ch[i] = Math.round(ch[i]! * max) * scale + 0 // + 0: no -0
    }
    return out.channelData
  }
}
