import type { TaskAnswer } from '../workers/types'
import { FfmpegOggDecoder, joinParts, type OggCodec, type OggDecodedAudio } from './ogg-ffmpeg'
import { readRange } from './read-range'

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
  const parts: Float32Array[][] = []
  let decoded = 0
  try {
    errors += decoder.decode(header).errors
    const primed = decoder.decode(body.subarray(0, input.start - input.primeStart))
    errors += primed.errors
    if (input.primed >= 0 && primed.samplesDecoded !== input.primed) {
      throw new Error(
        `an Ogg pre-roll decoded to ${primed.samplesDecoded} samples instead of ${input.primed}`,
      )
    }
    const keep = (out: OggDecodedAudio) => {
      errors += out.errors
      parts.push(...out.parts)
      decoded += out.samplesDecoded
    }
    keep(decoder.decode(body.subarray(input.start - input.primeStart)))
    keep(decoder.flush())
  } finally {
    decoder.free()
  }
  if (input.last ? decoded < input.keep : decoded !== input.keep) {
    throw new Error(`an Ogg segment decoded to ${decoded} samples instead of ${input.keep}`)
  }
  const channels = joinParts(parts, input.keep, input.channels)
  return { value: { channels, errors }, transfer: channels.map((ch) => ch.buffer as ArrayBuffer) }
}

/** Decodes a run of pages of an Ogg Vorbis/Opus file (for ogg-parallel.ts). */
export interface OggSegmentTask {
  'audio-decode-ogg-segment': { input: OggSegmentInput; output: OggSegmentOutput }
}
