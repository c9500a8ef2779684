import { AudioError } from '../../audio-error'
import type { ChunkDecoder } from '../../chunk-decoder'
import { joinPlanarParts, type DecodedParts } from '../planar-parts'
import type { FfmpegOggDecoder } from './ffmpeg'
import { OggPageWalker } from './pages'

/** Channels and output rate, read from the identification header of the first Ogg packet. */
export type OggHeaderReader = (
  firstPage: Uint8Array,
) => { channels: number; sampleRate: number } | undefined

/**
 * Shared streaming wrapper for Ogg codecs: the page walker notices a cut or damaged stream (the
 * decoder's page reader resynchronises silently), the identification header gives rate and
 * channels before the first frames come out.
 */
export class OggChunkDecoder implements ChunkDecoder {
  private readonly pages = new OggPageWalker()
  private head: Uint8Array = new Uint8Array(0)
  private format: { channels: number; sampleRate: number } | undefined
  private decoded = 0
  private errors = 0
  private freed = false

  constructor(
    private readonly codec: string,
    private readonly decoder: FfmpegOggDecoder,
    private readonly readHeader: OggHeaderReader,
  ) {}

  get sampleRate(): number {
    return this.format?.sampleRate ?? 0
  }

  get channels(): number {
    return this.format?.channels ?? 0
  }

  get expectedFrames(): number | undefined {
    return undefined
  }

  /**
   * One Ogg page per piece: a page of silence can hold hundreds of packets, but no more, so what
   * one decode call returns stays bounded.
   */
  split(chunk: Uint8Array): Uint8Array[] {
    const pieces: Uint8Array[] = []
    let start = 0
    for (let at = 1; at + 4 <= chunk.length; at++) {
      if (
        chunk[at] === 0x4f &&
        chunk[at + 1] === 0x67 &&
        chunk[at + 2] === 0x67 &&
        chunk[at + 3] === 0x53
      ) {
        pieces.push(chunk.subarray(start, at))
        start = at
      }
    }
    pieces.push(chunk.subarray(start))
    return pieces
  }

  push(chunk: Uint8Array): Promise<Float32Array[]> {
    this.pages.push(chunk)
    if (this.format === undefined && this.head.length < 512) {
      const joined = new Uint8Array(this.head.length + chunk.length)
      joined.set(this.head)
      joined.set(chunk, this.head.length)
      this.head = joined.length > 512 ? joined.slice(0, 512) : joined
      this.format = this.readHeader(this.head)
    }
    return Promise.resolve(this.take(this.decoder.decode(chunk)))
  }

  end(): Promise<Float32Array[]> {
    const last = this.take(this.decoder.flush())
    this.pages.checkComplete()
    if (this.errors > 0) throw new AudioError('corrupt', `the ${this.codec} stream is damaged`)
    if (this.decoded === 0) {
      throw new AudioError('corrupt', `no ${this.codec} audio in the file could be decoded`)
    }
    return Promise.resolve(last)
  }

  free(): void {
    if (this.freed) return
    this.freed = true
    this.decoder.free()
  }

  private take(out: DecodedParts): Float32Array[] {
    this.errors += out.errors
    if (out.samplesDecoded === 0) return []
    this.decoded += out.samplesDecoded
    const channels = this.format?.channels ?? out.parts[0]!.length
    return joinPlanarParts(out.parts, channels, out.samplesDecoded)
  }
}

/** Offset of the first packet of the first Ogg page in `bytes`, or -1 when not yet known. */
export function firstPacketOffset(bytes: Uint8Array): number {
  if (bytes.length < 27) return -1
  return 27 + bytes[26]!
}
