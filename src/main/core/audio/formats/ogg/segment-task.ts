import type { TaskAnswer } from '../../../workers/types'
import { SegmentPeaksBuilder, type SegmentPeaks } from '../../dsp'
import { readRange } from '../../read-range'
import { FfmpegOggDecoder, joinParts, type OggCodec, type OggDecodedAudio } from './ffmpeg'

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
  /** Only the peaks are wanted (see segment-peaks.ts): the segment starts at `offset`. */
  peaks?: { offset: number }
}

export interface OggSegmentOutput {
  /** `keep` samples per channel (none when only the peaks were asked). */
  channels: Float32Array[]
  errors: number
  peaks?: SegmentPeaks
}

/** Input bytes per decode call when only the peaks are wanted: the output stays a few MB. */
const PEAKS_PIECE_BYTES = 1 << 16

/**
 * Decodes a segment of an Ogg Vorbis/Opus file (a worker task, for parallel.ts) on a fresh
 * decoder: the header pages, the pre-roll pages (their output dropped), then the segment's pages.
 */
export async function decodeOggSegment(
  input: OggSegmentInput,
): Promise<TaskAnswer<OggSegmentOutput>> {
  const header = await readRange(input.path, 0, input.headerEnd, 'Ogg')
  const body = await readRange(input.path, input.primeStart, input.end, 'Ogg')
  const decoder = new FfmpegOggDecoder(input.codec)
  let errors = 0
  // The segment's samples: held for the caller, or when only the peaks are wanted, taken into
  // them piece by piece (never `keep` samples past the segment's end) and dropped.
  const parts: Float32Array[][] = []
  const peaks = input.peaks && new SegmentPeaksBuilder(input.channels, input.peaks.offset)
  let decoded = 0
  const keep = (out: OggDecodedAudio) => {
    errors += out.errors
    for (const part of out.parts) {
      const length = part[0]?.length ?? 0
      if (!peaks) parts.push(part)
      else if (decoded < input.keep) {
        const upTo = Math.min(length, input.keep - decoded)
        peaks.push(part.slice(0, input.channels).map((ch) => ch.subarray(0, upTo)))
      }
      decoded += length
    }
  }
  try {
    errors += decoder.decode(header).errors
    const primed = decoder.decode(body.subarray(0, input.start - input.primeStart))
    errors += primed.errors
    if (input.primed >= 0 && primed.samplesDecoded !== input.primed) {
      throw new Error(
        `an Ogg pre-roll decoded to ${primed.samplesDecoded} samples instead of ${input.primed}`,
      )
    }
    const split = input.start - input.primeStart
    const piece = peaks ? PEAKS_PIECE_BYTES : body.length
    for (let at = split; at < body.length; at += piece) {
      keep(decoder.decode(body.subarray(at, at + piece)))
    }
    keep(decoder.flush())
  } finally {
    decoder.free()
  }
  if (input.last ? decoded < input.keep : decoded !== input.keep) {
    throw new Error(`an Ogg segment decoded to ${decoded} samples instead of ${input.keep}`)
  }
  if (peaks) {
    const value = { channels: [], errors, peaks: peaks.finish() }
    return { value, transfer: SegmentPeaksBuilder.buffers(value.peaks) }
  }
  const channels = joinParts(parts, input.keep, input.channels)
  return { value: { channels, errors }, transfer: channels.map((ch) => ch.buffer as ArrayBuffer) }
}

/** Decodes a run of pages of an Ogg Vorbis/Opus file (for parallel.ts). */
export interface OggSegmentTask {
  'audio-decode-ogg-segment': { input: OggSegmentInput; output: OggSegmentOutput }
}
