import { AudioError } from '../../audio-error'
import { fixedSlices, type ChunkDecoder } from '../../chunk-decoder'
import { MP3_TAIL_BYTES, missingBytes } from './cut-frame'
import { FfmpegMp3Decoder } from './ffmpeg'
import { joinPlanarParts } from '../planar-parts'
import { DECODER_DELAY } from './frame-index'
import {
  findFrameSync,
  frameLength,
  id3v2Size,
  isFrameHeader,
  mpegLayer,
  parseMp3Frame,
  streamKey,
  tagFrameLength,
  type Mp3StreamInfo,
} from './header'

/** Bytes gathered before the first frame is parsed: enough for its header and Xing/LAME tag. */
const PROBE_BYTES = 8192
/** Bytes per decode call (at most about 131,000 samples per channel). */
const MP3_SLICE_BYTES = 16384

/**
 * Streaming MP3 (MPEG-1/2/2.5 layer I–III) decoder over FFmpeg's MPEG audio parser and decoders
 * (WebAssembly, see ffmpeg.ts), read as ffmpeg's MP3 demuxer reads a file: ID3v2 tags and junk
 * before the first frame are skipped, a Xing/Info or VBRI tag frame is not decoded, and the
 * encoder delay and padding of a LAME tag are trimmed (gapless, see mp3GaplessRange), so the
 * frame count equals ffmpeg's. A mono stream decodes to one channel, a stereo one to two (even
 * when both channels are identical). A stream cut inside a frame decodes as ffmpeg decodes it:
 * every whole frame, and the cut one completed with zeros (see cut-frame.ts).
 */
export function createMp3Decoder(): Promise<ChunkDecoder> {
  return Promise.resolve(new Mp3Decoder())
}

class Mp3Decoder implements ChunkDecoder {
  private probe: Uint8Array = new Uint8Array(0)
  /** ID3v2 bytes still to skip (a tag may span chunks). */
  private skip = 0
  private decoder: FfmpegMp3Decoder | undefined
  private info: Mp3StreamInfo | undefined
  /** The first frame's stream key (header.ts streamKey). */
  private key = 0
  /** The last bytes fed to the decoder (at most MP3_TAIL_BYTES): where a cut frame would be. */
  private tail: Uint8Array = new Uint8Array(0)
  /** Samples per channel kept by gapless trimming: [begin, end) of the decoded ones. */
  private keepFrom = 0
  private keepTo = Infinity
  /** Samples per channel decoded (before trimming) and kept. */
  private position = 0
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
    const missing = this.decoder ? missingBytes(this.tail, this.key) : 0
    if (missing > 0) last = joinChannels(last, this.feed(new Uint8Array(missing), true))
    checkMp3Decoded(this.decoded, this.expectedFrames, this.errors)
    return Promise.resolve(last)
  }

  free(): void {
    if (this.freed) return
    this.freed = true
    this.decoder?.free()
  }

  private feed(chunk: Uint8Array, final: boolean): Float32Array[] {
    let bytes = chunk
    if (this.skip > 0) {
      const n = Math.min(this.skip, bytes.length)
      this.skip -= n
      bytes = bytes.subarray(n)
    }
    if (!this.decoder) {
      const start = this.start(bytes, final)
      if (start === undefined) return []
      bytes = start
    }
    if (bytes.length === 0) return []
    this.tail = keepTail(this.tail, bytes)
    const out = this.decoder!.decode(bytes)
    this.errors += out.errors
    if (out.samplesDecoded === 0) return []
    // The decoder reports the rate it decodes at; trust it over the first header.
    const rate = this.decoder!.sampleRate
    if (rate > 0) this.info!.sampleRate = rate
    const first = this.position
    this.position += out.samplesDecoded
    const from = Math.max(0, this.keepFrom - first)
    const to = Math.min(out.samplesDecoded, this.keepTo - first)
    if (to <= from) return []
    this.decoded += to - from
    const channels = joinPlanarParts(out.parts, this.info!.channels, to)
    return from === 0 ? channels : channels.map((ch) => ch.subarray(from))
  }

  /**
   * Gathers the first bytes until the first frame can be read, then opens the decoder on it and
   * returns the bytes to decode from (after the tags), or undefined while more are needed.
   */
  private start(bytes: Uint8Array, final: boolean): Uint8Array | undefined {
    this.probe = joinBytes(this.probe, bytes)
    // Skip leading ID3v2 tags (there may be more than one), possibly longer than the chunk.
    for (;;) {
      if (this.probe.length < 10 && !final) return undefined
      const size = id3v2Size(this.probe)
      if (size === 0) break
      if (size > this.probe.length) {
        this.skip = size - this.probe.length
        this.probe = new Uint8Array(0)
        return undefined
      }
      this.probe = this.probe.subarray(size)
    }
    if (this.probe.length < PROBE_BYTES && !final) return undefined
    const sync = firstFrame(this.probe)
    if (sync < 0) throw new AudioError('corrupt', 'no MPEG audio frame header found')
    const info = parseMp3Frame(this.probe, sync)
    this.info = info
    this.key = streamKey(this.probe, sync)
    ;({ begin: this.keepFrom, end: this.keepTo } = mp3GaplessRange(info))
    this.decoder = new FfmpegMp3Decoder(mpegLayer(this.probe, sync), info.channels)
    const rest = this.probe.subarray(sync + tagFrameLength(this.probe, sync))
    this.probe = new Uint8Array(0)
    return rest
  }
}

/**
 * Where the first frame starts, as ffmpeg's MP3 demuxer finds it: the first header followed by
 * another of the same stream (or by the end of what was read); the first header at all when none
 * is, or -1.
 */
function firstFrame(bytes: Uint8Array): number {
  const first = findFrameSync(bytes)
  for (let at = first; at >= 0; at = findFrameSync(bytes, at + 1)) {
    const next = at + frameLength(bytes, at)
    if (next === at) continue
    if (next + 4 > bytes.length) return at
    if (isFrameHeader(bytes, next) && streamKey(bytes, next) === streamKey(bytes, at)) return at
  }
  return first
}

/**
 * The decoded samples per channel that gapless trimming keeps, [begin, end), as ffmpeg's MP3
 * demuxer sets them from a LAME tag: the encoder delay plus the decoder's own at the start; at
 * the end, when the tag counts the frames, the padding less the decoder's delay. Without a LAME
 * tag everything is kept.
 */
export function mp3GaplessRange(info: Mp3StreamInfo): { begin: number; end: number } {
  if (info.delay === undefined) return { begin: 0, end: Infinity }
  const end =
    info.tagFrames === undefined || info.tagFrames === 0
      ? Infinity
      : info.tagFrames * info.samplesPerFrame - (info.padding ?? 0) + DECODER_DELAY
  return { begin: info.delay + DECODER_DELAY, end }
}

/**
 * Samples per channel a LAME tag announces (after gapless trimming), when there is one. The
 * decoder keeps the output DECODER_DELAY samples late and nothing past the last decoded sample
 * can be trimmed, so a padding shorter than that delay (`ffmpeg -c copy` writes 0) trims as much
 * as the delay.
 */
export function mp3ExpectedFrames(info: Mp3StreamInfo): number | undefined {
  const { begin, end } = mp3GaplessRange(info)
  if (info.tagFrames === undefined || end === Infinity) return undefined
  return Math.min(end, info.tagFrames * info.samplesPerFrame) - begin
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
