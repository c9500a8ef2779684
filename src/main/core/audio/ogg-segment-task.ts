import type { TaskAnswer } from '../workers/types'
import type { OggDecodedAudio } from './ogg-decoder'
import { FfmpegOggDecoder } from './ogg-ffmpeg'
import { readRange } from './read-range'

export type OggCodec = 'vorbis' | 'opus'

export interface OggSegmentInput {
  codec: OggCodec
  path: string
  /** The header pages: bytes [0, headerEnd). */
  headerEnd: number
  /** File offset of the first page decoded before the segment (its pre-roll), or `start`. */
  primeStart: number
  /** File offsets of the segment's first page and of the end of its last one. */
  start: number
  end: number
  /** Samples the pre-roll pages decode to (checked), -1 when not known ahead (Vorbis). */
  primed: number
  /** Samples per channel the segment's pages decode to in the one-pass decode. */
  keep: number
  /** The segment ends the stream: its decode runs past `keep` (the end padding), trimmed here. */
  last: boolean
  channels: number
}

export interface OggSegmentOutput {
  channels: Float32Array[]
  errors: number
}

/**
 * Decodes a segment of an Ogg Vorbis/Opus file (a worker task, for ogg-parallel.ts) on a fresh
 * decoder: the header pages, the pre-roll pages (their output dropped), then the segment's pages.
 */
export async function decodeOggSegment(
  input: OggSegmentInput,
): Promise<TaskAnswer<OggSegmentOutput>> {
  const header = await readRange(input.path, 0, input.headerEnd, 'Ogg')
  const body = await readRange(input.path, input.primeStart, input.end, 'Ogg')
  const decoder = new FfmpegOggDecoder(input.codec)
  let errors = 0
  const take = (out: OggDecodedAudio) => {
    errors += out.errors.length
    return out.samplesDecoded > 0 ? out.channelData.slice(0, input.channels) : []
  }
  const parts: Float32Array[][] = []
  try {
    take(await decoder.decode(header))
    const split = input.start - input.primeStart
    const primed = take(await decoder.decode(body.subarray(0, split)))
    const primedLength = primed[0]?.length ?? 0
    if (input.primed >= 0 && primedLength !== input.primed) {
      throw new Error(
        `an Ogg pre-roll decoded to ${primedLength} samples instead of ${input.primed}`,
      )
    }
    parts.push(take(await decoder.decode(body.subarray(split))))
    parts.push(take(await decoder.flush()))
  } finally {
    decoder.free()
  }
  const decoded = parts.reduce((n, p) => n + (p[0]?.length ?? 0), 0)
  if (input.last ? decoded < input.keep : decoded !== input.keep) {
    throw new Error(`an Ogg segment decoded to ${decoded} samples instead of ${input.keep}`)
  }
  const channels = Array.from({ length: input.channels }, (_, c) => {
    const out = new Float32Array(input.keep)
    let at = 0
    for (const part of parts) {
      const ch = part[c]
      if (!ch) continue
      out.set(ch.subarray(0, Math.min(ch.length, input.keep - at)), at)
      at += ch.length
      if (at >= input.keep) break
    }
    return out
  })
  return { value: { channels, errors }, transfer: channels.map((ch) => ch.buffer) }
}

/** Decodes a run of pages of an Ogg Vorbis/Opus file (for ogg-parallel.ts). */
export interface OggSegmentTask {
  'audio-decode-ogg-segment': { input: OggSegmentInput; output: OggSegmentOutput }
}
