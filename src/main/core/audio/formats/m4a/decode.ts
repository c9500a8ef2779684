import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { adtsCutShort } from './adts-frames'
import { AudioError } from '../../audio-error'
import { checkLength } from '../../audio-limits'
import { M4aInstance, type RandomAccessBytes } from './wasm-module'
import { mp4CutShort } from './mp4-boxes'

/** Where an M4A/AAC file is read from: it is read at random (an MP4 index may sit at the end). */
export type M4aSource = { kind: 'file'; path: string } | { kind: 'bytes'; bytes: Uint8Array }

/** What the decode announces before its first frames. */
export interface M4aInfo {
  sampleRate: number
  channels: number
  expectedFrames?: number
}

/** Frames gathered into one chunk (about 1.5 s at 44.1 kHz): few hand-offs, bounded memory. */
const CHUNK_FRAMES = 65536
/** Room past CHUNK_FRAMES for the frame that fills a chunk (AAC: 1024 or 2048; ALAC: 4096). */
const FRAME_SLACK = 8192

/** m4a_open's failures (decoder.c). */
const OPEN_UNREADABLE = -1
const OPEN_NO_AUDIO = -2
const OPEN_VIDEO_ONLY = -3
const OPEN_DRM = -4
const OPEN_CODEC = -5
const OPEN_DECODER = -6
const OPEN_TRUNCATED = -7

/**
 * Decodes an MP4/M4A (AAC or Apple Lossless) or ADTS AAC file with FFmpeg's own demuxers and
 * decoders (WebAssembly, wasm-module.ts), gapless: the encoder delay is trimmed as ffmpeg trims it
 * (edit list, iTunSMPB priming) and the output ends at the length the container states (edit
 * list or iTunSMPB), so it has the frame count ffprobe reports. Yields planar chunks; rejects
 * with AudioError naming the problem. With `borrowed`, each chunk is valid only until the next
 * is asked for (its arrays are reused): for a caller that keeps nothing, such as an import's
 * check, which then leaves no decoded audio behind for the garbage collector.
 */
export async function* decodeM4a(
  source: M4aSource,
  format: 'm4a' | 'aac',
  announce: (info: M4aInfo) => void,
  borrowed = false,
): AsyncGenerator<Float32Array[]> {
  const bytes = openSource(source)
  try {
    const decoder = new M4aInstance(bytes)
    const opened = decoder.open()
    if (opened < 0) throw openError(opened, format, decoder, bytes)
    if (format === 'aac' && adtsCutShort(bytes)) {
      throw new AudioError('truncated', 'the file is cut short: its last AAC frame is incomplete')
    }

    let expected: number | undefined
    let rate = 0
    let channels = 0
    let decoded = 0
    let chunk: PlanarChunk | undefined
    for (;;) {
      let frame: Float32Array[]
      try {
        frame = decoder.decode()
      } catch (error) {
        const cause = error instanceof Error ? error.message : String(error)
        throw new AudioError(
          'corrupt',
          `the ${codecName(decoder, format)} stream is damaged (${cause})`,
        )
      }
      if (frame.length === 0) break
      if (rate === 0) {
        rate = decoder.sampleRate
        channels = frame.length
        chunk = new PlanarChunk(channels, CHUNK_FRAMES + FRAME_SLACK, borrowed)
        expected = expectedFrames(decoder, rate)
        checkLength(expected ?? 0, rate)
        announce({
          sampleRate: rate,
          channels,
          ...(expected !== undefined && { expectedFrames: expected }),
        })
      } else if (decoder.sampleRate !== rate || frame.length !== channels) {
        throw new AudioError(
          'unsupported',
          'the sample rate or channel count changes within the file (not supported)',
        )
      }
      let n = frame[0]!.length
      // The padding after the stated length is dropped, and nothing past it decoded.
      if (expected !== undefined && decoded + n > expected) n = Math.max(0, expected - decoded)
      if (n === 0) break
      // The frame is a view of the decoder's memory: copied before the next decode.
      chunk!.append(frame, n)
      decoded += n
      checkLength(decoded, rate)
      if (chunk!.length >= CHUNK_FRAMES) {
        yield chunk!.take()
        // Decoding is synchronous: let the event loop run between chunks.
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
    }
    checkDecoded(decoder, format, decoded, expected)
    if (chunk && chunk.length > 0) yield chunk.take()
  } finally {
    bytes.close()
  }
}

/**
 * Frames gathered into planar arrays of a given capacity (grown when a frame does not fit); take()
 * gives views of them, and the next append writes into new arrays unless `reuse` is set.
 */
class PlanarChunk {
  private arrays: Float32Array[] = []
  length = 0

  constructor(
    private readonly channels: number,
    private readonly capacity: number,
    private readonly reuse: boolean,
  ) {}

  append(frame: Float32Array[], n: number): void {
    const needed = this.length + n
    if (this.arrays.length === 0 || this.arrays[0]!.length < needed) {
      const size = Math.max(needed, this.capacity)
      this.arrays = Array.from({ length: this.channels }, (_, c) => {
        const grown = new Float32Array(size)
        if (this.length > 0) grown.set(this.arrays[c]!.subarray(0, this.length))
        return grown
      })
    }
    for (let c = 0; c < this.channels; c++) {
      this.arrays[c]!.set(frame[c]!.subarray(0, n), this.length)
    }
    this.length = needed
  }

  take(): Float32Array[] {
    const out = this.arrays.map((a) => a.subarray(0, this.length))
    if (!this.reuse) this.arrays = []
    this.length = 0
    return out
  }
}

function checkDecoded(
  decoder: M4aInstance,
  format: 'm4a' | 'aac',
  decoded: number,
  expected: number | undefined,
): void {
  const name = codecName(decoder, format)
  if (decoded === 0)
    throw new AudioError('corrupt', `no ${name} audio in the file could be decoded`)
  // One frame of slack (2048 samples for HE-AAC): the stated length may round.
  if (expected !== undefined && decoded < expected - 2048) {
    throw new AudioError(
      'truncated',
      `the ${name} stream is cut short (${decoded} of ${expected} samples per channel)`,
    )
  }
  // As for MP3: frames that failed to decode are tolerated only when the length checks out.
  if (decoder.decodeErrors > 0 && expected === undefined) {
    throw new AudioError('corrupt', `the ${name} stream is damaged or cut short`)
  }
}

/** The length the container states, in output frames: iTunSMPB's, else the edit list's. */
function expectedFrames(decoder: M4aInstance, rate: number): number | undefined {
  const tagged = decoder.iTunSmpbSamples
  if (tagged !== undefined) return tagged
  const seconds = decoder.durationSeconds
  return seconds === undefined ? undefined : Math.round(seconds * rate)
}

function codecName(decoder: M4aInstance, format: 'm4a' | 'aac'): string {
  if (format === 'aac') return 'AAC'
  return decoder.alac ? 'Apple Lossless' : 'AAC'
}

function openError(
  code: number,
  format: 'm4a' | 'aac',
  decoder: M4aInstance,
  bytes: RandomAccessBytes,
): AudioError {
  switch (code) {
    case OPEN_UNREADABLE:
      if (format === 'aac') return new AudioError('corrupt', 'no ADTS AAC frame could be read')
      if (mp4CutShort(bytes)) {
        return new AudioError('truncated', 'the file is cut short: its audio index is missing')
      }
      return new AudioError('corrupt', 'the MP4 structure of the file is damaged')
    case OPEN_NO_AUDIO:
      return new AudioError('not_audio', 'the file has no audio track')
    case OPEN_VIDEO_ONLY:
      return new AudioError('not_audio', 'the file holds video but no audio track')
    case OPEN_DRM:
      return new AudioError(
        'unsupported',
        'the audio is copy-protected (DRM, like iTunes Store .m4p purchases) and cannot be decoded',
      )
    case OPEN_CODEC:
      return new AudioError(
        'unsupported',
        `the audio track is in a format MusicSketch does not decode (${decoder.codecName || decoder.codecTag || 'unknown'}): M4A files are imported with AAC or Apple Lossless audio`,
      )
    case OPEN_DECODER:
      return new AudioError('unsupported', 'the AAC decoder does not support this audio profile')
    case OPEN_TRUNCATED:
      return new AudioError('truncated', 'the file is cut short: part of its audio is missing')
    default:
      return new AudioError('corrupt', `the file could not be read (FFmpeg error ${code})`)
  }
}

function openSource(source: M4aSource): RandomAccessBytes & { close(): void } {
  if (source.kind === 'bytes') {
    const { bytes } = source
    return {
      size: bytes.length,
      read: (into, position) => {
        const n = Math.max(0, Math.min(into.length, bytes.length - position))
        into.set(bytes.subarray(position, position + n))
        return n
      },
      close: () => {},
    }
  }
  const fd = openSync(source.path, 'r')
  try {
    const { size } = fstatSync(fd)
    return {
      size,
      read: (into, position) => readSync(fd, into, 0, into.length, position),
      close: () => closeSync(fd),
    }
  } catch (error) {
    closeSync(fd)
    throw error
  }
}
