import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { AiffStreamDecoder } from './formats/aiff/decode'
import { AudioError } from './audio-error'
import { checkLength } from './audio-limits'
import { type ChunkDecoder, planarLength } from './chunk-decoder'
import type { DecodedInfo } from './decoded-info'
import { createFlacDecoder } from './formats/flac/decode'
import { decodeM4a, type M4aSource } from './formats/m4a/decode'
import { createMp3Decoder } from './formats/mp3/decode'
import { createOpusDecoder } from './formats/ogg/opus'
import { createVorbisDecoder } from './formats/ogg/vorbis'
import type { PcmHeader, PcmStreamDecoder } from './formats/pcm/stream'
import {
  isSegmentedFormat,
  planSegments,
  type DecodeTasks,
  type ParallelSource,
  type Segmented,
} from './segmented-decode'
import { SNIFF_BYTES, sniffFormat, type SniffedFormat } from './sniff'
import { WavStreamDecoder } from './formats/wav/decode'
import type { TaskRunner } from '../workers/types'

export type { DecodedInfo }

/**
 * One streaming decode of one file. Call `info()` first (optional), then iterate `frames()` once:
 * planar chunks, all with `info().channels` channels. Either rejects with AudioError (messages
 * name only the problem; the caller adds the file name) or with a file system error (ENOENT…).
 * Breaking out of `frames()` or calling `close()` stops reading and frees the decoder.
 */
export interface AudioDecodeStream {
  /** Resolves once the format, rate and channels are known (with the first frames at the latest). */
  info(): Promise<DecodedInfo>
  frames(): AsyncIterable<Float32Array[]>
  close(): Promise<void>
}

/** Read size: large enough to keep the per-chunk overhead small, small enough to bound memory. */
export const DECODE_CHUNK_BYTES = 1 << 20

const NOT_AUDIO_MESSAGE =
  'the file is not audio in a supported format (WAV, AIFF, MP3, FLAC, Ogg Vorbis, Ogg Opus, M4A/AAC)'

export interface DecodeFileOptions {
  /** Read size (DECODE_CHUNK_BYTES by default). */
  chunkBytes?: number
  /**
   * Worker threads: an MP3, FLAC or Ogg file is then decoded in segments, several at a time, with
   * the same result. Without them (or with one at a time), or for a file that does not lend
   * itself to it, decoding runs in this thread.
   */
  tasks?: TaskRunner<DecodeTasks>
  /** Audio per worker task (20 s by default; tests use short segments). */
  segmentSeconds?: number
  /**
   * The caller keeps no chunk past the next one (it computes peaks, say): a decoder may then
   * reuse a chunk's arrays, leaving no decoded audio for the garbage collector.
   */
  borrowed?: boolean
}

/** Decodes a file read from disk in chunks: never held in memory as a whole. */
export function decodeAudioFile(path: string, options: DecodeFileOptions = {}): AudioDecodeStream {
  const chunkBytes = options.chunkBytes ?? DECODE_CHUNK_BYTES
  const { tasks, segmentSeconds, borrowed = false } = options
  // As for the PCM import: with a single worker, decoding in this thread is as fast.
  const parallel = tasks && tasks.parallelism > 1 ? { path, tasks, segmentSeconds } : undefined
  const whole: M4aSource = { kind: 'file', path }
  return new DecodeStream((announce) =>
    decodeSource(parallel, whole, fileBytes, announce, borrowed),
  )
  async function* fileBytes(): AsyncGenerator<Uint8Array | { fileSize: number }> {
    const { size } = await stat(path)
    const source = createReadStream(path, { highWaterMark: chunkBytes })
    try {
      yield { fileSize: size }
      for await (const chunk of source as AsyncIterable<Buffer>) yield chunk
    } finally {
      source.destroy()
    }
  }
}

/** Decodes bytes in memory (fed to the decoders in chunks as a file would be). */
export function decodeAudioBytes(
  bytes: Uint8Array,
  chunkBytes = DECODE_CHUNK_BYTES,
): AudioDecodeStream {
  async function* source(): AsyncGenerator<Uint8Array | { fileSize: number }> {
    yield { fileSize: bytes.length }
    for (let at = 0; at < bytes.length; at += chunkBytes) {
      yield bytes.subarray(at, at + chunkBytes)
    }
    await Promise.resolve()
  }
  const whole: M4aSource = { kind: 'bytes', bytes }
  return new DecodeStream((announce) => decodeSource(undefined, whole, source, announce))
}

/** A source: optionally the file size first, then the bytes in order. */
type ByteSource = () => AsyncGenerator<Uint8Array | { fileSize: number }>

class DecodeStream implements AudioDecodeStream {
  private readonly iterator: AsyncGenerator<Float32Array[]>
  private readonly buffered: Float32Array[][] = []
  private known: DecodedInfo | undefined
  private infoPromise: Promise<DecodedInfo> | undefined
  private iterated = false

  constructor(start: (announce: (info: DecodedInfo) => void) => AsyncGenerator<Float32Array[]>) {
    this.iterator = start((info) => {
      this.known = info
    })
  }

  info(): Promise<DecodedInfo> {
    this.infoPromise ??= this.pullInfo()
    return this.infoPromise
  }

  async *frames(): AsyncGenerator<Float32Array[]> {
    if (this.iterated) throw new Error('frames() of a decode stream can be iterated only once')
    this.iterated = true
    if (this.infoPromise) await this.infoPromise
    try {
      while (this.buffered.length > 0) yield this.buffered.shift()!
      for (;;) {
        const next = await this.iterator.next()
        if (next.done) return
        yield next.value
      }
    } finally {
      await this.iterator.return(undefined)
    }
  }

  async close(): Promise<void> {
    this.buffered.length = 0
    await this.iterator.return(undefined)
  }

  private async pullInfo(): Promise<DecodedInfo> {
    while (this.known === undefined) {
      const next = await this.iterator.next()
      // decodeSource announces the info before its first frames and throws when there are none.
      if (next.done) throw new AudioError('empty', 'the file contains no audio samples')
      this.buffered.push(next.value)
    }
    return this.known
  }
}

async function* decodeSource(
  parallel: ParallelSource | undefined,
  whole: M4aSource,
  source: ByteSource,
  announce: (info: DecodedInfo) => void,
  borrowed = false,
): AsyncGenerator<Float32Array[]> {
  const input = source()
  try {
    // Gather enough leading bytes to recognise the format.
    let fileSize: number | undefined
    const head: Uint8Array[] = []
    let headLength = 0
    while (headLength < SNIFF_BYTES) {
      const next = await input.next()
      if (next.done) break
      const item = next.value
      if (item instanceof Uint8Array) {
        head.push(item)
        headLength += item.length
      } else fileSize = item.fileSize
    }
    if (headLength === 0) throw new AudioError('empty', 'the file is empty (0 bytes)')
    const first = concatBytes(head, headLength)
    const format = sniffFormat(first.subarray(0, SNIFF_BYTES))
    if (format === null) throw new AudioError('not_audio', NOT_AUDIO_MESSAGE)
    if (format === 'm4a' || format === 'aac') {
      // MP4 needs random access (its index may follow the audio): it reads the file itself.
      await input.return(undefined)
      yield* decodeM4a(whole, format, (info) => announce({ format, ...info }), borrowed)
      return
    }

    if (parallel && isSegmentedFormat(format)) {
      const segmented = await planSegments(format, parallel)
      if (segmented) {
        await input.return(undefined)
        yield* segmentedFrames(segmented, announce)
        return
      }
    }

    const decoder = await createDecoder(format, fileSize)
    try {
      let announced = false
      let total = 0
      const step = (frames: Float32Array[]): Float32Array[] | undefined => {
        if (!announced && decoder.channels > 0) {
          announced = true
          const info: DecodedInfo = {
            format,
            sampleRate: decoder.sampleRate,
            channels: decoder.channels,
          }
          if (decoder.expectedFrames !== undefined) {
            checkLength(decoder.expectedFrames, decoder.sampleRate)
            info.expectedFrames = decoder.expectedFrames
          }
          announce(info)
        }
        const n = planarLength(frames)
        total += n
        checkLength(total, decoder.sampleRate)
        return n > 0 ? frames : undefined
      }
      const pieces = (bytes: Uint8Array) => (decoder.split ? decoder.split(bytes) : [bytes])
      let out: Float32Array[] | undefined
      for (let bytes: Uint8Array | undefined = first; bytes;) {
        for (const piece of pieces(bytes)) {
          out = step(await decoder.push(piece))
          if (out) yield out
        }
        const next = await input.next()
        if (next.done) break
        bytes = next.value instanceof Uint8Array ? next.value : new Uint8Array(0)
      }
      out = step(await decoder.end())
      if (total === 0 || !announced) {
        throw new AudioError('empty', 'the file contains no audio samples')
      }
      if (out) yield out
    } finally {
      decoder.free()
    }
  } finally {
    await input.return(undefined)
  }
}

async function* segmentedFrames(
  segmented: Segmented,
  announce: (info: DecodedInfo) => void,
): AsyncGenerator<Float32Array[]> {
  const { sampleRate, expectedFrames } = segmented.info
  checkLength(expectedFrames ?? 0, sampleRate)
  announce(segmented.info)
  let total = 0
  for await (const frames of segmented.decode()) {
    total += planarLength(frames)
    checkLength(total, sampleRate)
    yield frames
  }
}

function concatBytes(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!
  const out = new Uint8Array(length)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

function createDecoder(
  format: Exclude<SniffedFormat, 'm4a' | 'aac'>,
  fileSize: number | undefined,
): Promise<ChunkDecoder> | ChunkDecoder {
  switch (format) {
    case 'wav':
      return new PcmChunkDecoder(new WavStreamDecoder(fileSize))
    case 'aiff':
      return new PcmChunkDecoder(new AiffStreamDecoder(fileSize))
    case 'mp3':
      return createMp3Decoder()
    case 'flac':
      return createFlacDecoder()
    case 'ogg-vorbis':
      return createVorbisDecoder()
    case 'ogg-opus':
      return createOpusDecoder()
  }
}

/** The existing WAV/AIFF stream decoders behind the ChunkDecoder interface (synchronous). */
class PcmChunkDecoder<H extends PcmHeader> implements ChunkDecoder {
  private bytesSeen = 0

  constructor(private readonly decoder: PcmStreamDecoder<H>) {}

  get sampleRate(): number {
    return this.decoder.header?.sampleRate ?? 0
  }

  get channels(): number {
    return this.decoder.header?.channels ?? 0
  }

  get expectedFrames(): number | undefined {
    const frames = this.decoder.header?.frames
    return frames !== undefined && Number.isFinite(frames) ? frames : undefined
  }

  push(chunk: Uint8Array): Promise<Float32Array[]> {
    this.bytesSeen += chunk.length
    return Promise.resolve(this.decoder.push(chunk))
  }

  end(): Promise<Float32Array[]> {
    const frames = this.decoder.end()
    const header = this.decoder.header!
    if (frames === 0 && this.bytesSeen <= header.dataOffset) {
      throw new AudioError('truncated', 'the file ends before its first audio sample')
    }
    return Promise.resolve([])
  }

  free(): void {}
}
