import type { MPEGDecoder } from 'mpg123-decoder'
import { AudioError } from '../../audio-error'
import { fixedSlices, type ChunkDecoder } from '../../chunk-decoder'
import { MP3_TAIL_BYTES, missingBytes } from './cut-frame'
import { DECODER_DELAY } from './frame-index'
import { findFrameSync, id3v2Size, parseMp3Frame, streamKey, type Mp3StreamInfo } from './header'

/** Bytes gathered before the first frame is parsed: enough for its header and Xing/LAME tag. */
const PROBE_BYTES = 8192
/** Bytes per decode call (at most about 131,000 samples per channel). */
const MP3_SLICE_BYTES = 16384

/**
 * Streaming MP3 (MPEG-1/2/2.5 layer I–III) decoder over mpg123 (WASM). ID3v2 tags are skipped
 * here; mpg123 trims the encoder delay and padding of a LAME/Xing tag (gapless), so the frame
 * count equals ffmpeg's. mpg123 always outputs two channels: a mono stream is reduced to its first
 * channel, and a stereo stream stays stereo even when both channels are identical. A stream cut
 * inside a frame decodes as ffmpeg decodes it: every whole frame, and the cut one completed with
 * zeros (see cut-frame.ts).
 */
export async function createMp3Decoder(): Promise<ChunkDecoder> {
  // Dynamic import: the package is ESM-only and the main process bundle is CommonJS.
  const { MPEGDecoder: Decoder } = await import('mpg123-decoder')
  const decoder = new Decoder({ enableGapless: true })
  await decoder.ready
  return new Mp3Decoder(decoder)
}

class Mp3Decoder implements ChunkDecoder {
  private probe: Uint8Array = new Uint8Array(0)
  /** ID3v2 bytes still to skip (a tag may span chunks). */
  private skip = 0
  private started = false
  private info: Mp3StreamInfo | undefined
  /** The first frame's stream key (header.ts streamKey). */
  private key = 0
  /** The last bytes fed to mpg123 (at most MP3_TAIL_BYTES): where a cut frame would be. */
  private tail: Uint8Array = new Uint8Array(0)
  private decoded = 0
  private errors = 0
  private freed = false

  constructor(private readonly decoder: MPEGDecoder) {}

  get sampleRate(): number {
    return this.info?.sampleRate ?? 0
  }

  get channels(): number {
    return this.info?.channels ?? 0
  }

  get expectedFrames(): number | undefined {
    return this.info && mp3ExpectedFrames(this.info)
  }

  /** Small pieces: a frame of 72 bytes can hold 576 samples, so output stays bounded. */
  split(chunk: Uint8Array): Uint8Array[] {
    return fixedSlices(chunk, MP3_SLICE_BYTES)
  }

  push(chunk: Uint8Array): Promise<Float32Array[]> {
    return Promise.resolve(this.feed(chunk, false))
  }

  end(): Promise<Float32Array[]> {
    let last = this.feed(new Uint8Array(0), true)
    const missing = this.started ? missingBytes(this.tail, this.key) : 0
    if (missing > 0) last = joinChannels(last, this.feed(new Uint8Array(missing), true))
    checkMp3Decoded(this.decoded, this.expectedFrames, this.errors)
    return Promise.resolve(last)
  }

  free(): void {
    if (this.freed) return
    this.freed = true
    this.decoder.free()
  }

  private feed(chunk: Uint8Array, final: boolean): Float32Array[] {
    let bytes = chunk
    if (this.skip > 0) {
      const n = Math.min(this.skip, bytes.length)
      this.skip -= n
      bytes = bytes.subarray(n)
    }
    if (!this.started) {
      this.probe = joinBytes(this.probe, bytes)
      // Skip leading ID3v2 tags (there may be more than one), possibly longer than the chunk.
      for (;;) {
        if (this.probe.length < 10 && !final) return []
        const size = id3v2Size(this.probe)
        if (size === 0) break
        if (size > this.probe.length) {
          this.skip = size - this.probe.length
          this.probe = new Uint8Array(0)
          return []
        }
        this.probe = this.probe.subarray(size)
      }
      if (this.probe.length < PROBE_BYTES && !final) return []
      const sync = findFrameSync(this.probe)
      if (sync < 0) throw new AudioError('corrupt', 'no MPEG audio frame header found')
      this.info = parseMp3Frame(this.probe, sync)
      this.key = streamKey(this.probe, sync)
      this.started = true
      bytes = this.probe
      this.probe = new Uint8Array(0)
    }
    if (bytes.length === 0) return []
    this.tail = keepTail(this.tail, bytes)
    const out = this.decoder.decode(bytes)
    this.errors += out.errors.length
    if (out.samplesDecoded === 0) return []
    this.decoded += out.samplesDecoded
    const channels = out.channelData.slice(0, this.info!.channels)
    // mpg123 reports the rate it decodes at; trust it over the first header (free-format, etc.).
    if (out.sampleRate > 0) this.info!.sampleRate = out.sampleRate
    return channels
  }
}

/**
 * Samples per channel a LAME tag announces (after gapless trimming), when there is one. The
 * decoders (mpg123, ffmpeg) keep the output DECODER_DELAY samples late and cannot trim past the
 * last decoded sample, so a padding shorter than that delay (`ffmpeg -c copy` writes 0) trims
 * as much as the delay.
 */
export function mp3ExpectedFrames(info: Mp3StreamInfo): number | undefined {
  if (info.tagFrames === undefined || info.delay === undefined) return undefined
  const trimmedAtEnd = Math.max(info.padding ?? 0, DECODER_DELAY)
  return info.tagFrames * info.samplesPerFrame - info.delay - trimmedAtEnd
}

/**
 * Throws the AudioError a whole decode ends with: nothing decoded, or decoder errors in a stream
 * with nothing to check its length against. A stream shorter than its tag announces (cut) keeps
 * what it holds, as ffmpeg does.
 */
export function checkMp3Decoded(
  decoded: number,
  expected: number | undefined,
  errors: number,
): void {
  if (decoded === 0) {
    throw new AudioError('corrupt', 'no MPEG audio frame in the file could be decoded')
  }
  if (errors > 0 && expected === undefined) {
    throw new AudioError('corrupt', 'the MP3 stream is damaged')
  }
}

function joinChannels(a: Float32Array[], b: Float32Array[]): Float32Array[] {
  if (a.length === 0) return b
  if (b.length === 0) return a
  return a.map((channel, c) => {
    const out = new Float32Array(channel.length + b[c]!.length)
    out.set(channel)
    out.set(b[c]!, channel.length)
    return out
  })
}

function keepTail(tail: Uint8Array, bytes: Uint8Array): Uint8Array {
  if (bytes.length >= MP3_TAIL_BYTES) return bytes.slice(bytes.length - MP3_TAIL_BYTES)
  return joinBytes(tail, bytes).slice(-MP3_TAIL_BYTES)
}

function joinBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b
  if (b.length === 0) return a
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
