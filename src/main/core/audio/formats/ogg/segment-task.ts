import type { TaskAnswer } from '../../../workers/types'
import { SegmentPeaksBuilder, type SegmentPeaks } from '../../dsp'
import { readRange, readRangePieces } from '../../read-range'
import { joinPlanarParts } from '../planar-parts'
import { FfmpegOggDecoder, type OggCodec } from './ffmpeg'

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

/** Input bytes read and decoded at a time when only the peaks are wanted: a few seconds of audio. */
const PEAKS_PIECE_BYTES = 1 << 16

/**
 * Decodes a segment of an Ogg Vorbis/Opus file (a worker task, for parallel.ts) on a fresh
 * decoder: the header pages, the pre-roll pages (their output dropped), then the segment's pages.
 */
export async function decodeOggSegment(
  input: OggSegmentInput,
): Promise<TaskAnswer<OggSegmentOutput>> {
  const header = await readRange(input.path, 0, input.headerEnd, 'Ogg')
  const decoder = new FfmpegOggDecoder(input.codec)
  try {
    let errors = decoder.decode(header).errors
    if (input.peaks) return await peaksOf(input, input.peaks, decoder, errors)
    const body = await readRange(input.path, input.primeStart, input.end, 'Ogg')
    const split = input.start - input.primeStart
    const primed = decoder.decode(body.subarray(0, split))
    checkPrimed(input, primed.samplesDecoded)
    errors += primed.errors
    const out = decoder.decode(body.subarray(split))
    const last = decoder.flush()
    const parts = [...out.parts, ...last.parts]
    checkKept(input, out.samplesDecoded + last.samplesDecoded)
    errors += out.errors + last.errors
    const channels = joinPlanarParts(parts, input.channels, input.keep)
    return {
      value: { channels, errors },
      transfer: channels.map((ch) => ch.buffer as ArrayBuffer),
    }
  } finally {
    decoder.free()
  }
}

/**
 * The peaks of the segment's samples (never `keep` past its end), read and decoded a few seconds
 * at a time into the same buffers: the samples go to the peaks straight from the decoder's memory,
 * so the segment's bytes and audio are never held whole and nothing is left for the collector.
 */
async function peaksOf(
  input: OggSegmentInput,
  { offset }: NonNullable<OggSegmentInput['peaks']>,
  decoder: FfmpegOggDecoder,
  headerErrors: number,
): Promise<TaskAnswer<OggSegmentOutput>> {
  const peaks = new SegmentPeaksBuilder(input.channels, offset)
  let errors = headerErrors
  let primed = 0
  const preRoll = readRangePieces(
    input.path,
    input.primeStart,
    input.start,
    'Ogg',
    PEAKS_PIECE_BYTES,
  )
  for await (const piece of preRoll) {
    const out = decoder.decodeEach(piece, () => undefined)
    primed += out.samplesDecoded
    errors += out.errors
  }
  checkPrimed(input, primed)
  let decoded = 0
  const keep = (part: Float32Array[]) => {
    peaks.push(part, 0, input.keep - decoded)
    decoded += part[0]!.length
  }
  const body = readRangePieces(input.path, input.start, input.end, 'Ogg', PEAKS_PIECE_BYTES)
  for await (const piece of body) errors += decoder.decodeEach(piece, keep).errors
  errors += decoder.decodeEach(undefined, keep).errors
  checkKept(input, decoded)
  const value = { channels: [], errors, peaks: peaks.finish() }
  return { value, transfer: SegmentPeaksBuilder.buffers(value.peaks) }
}

function checkPrimed(input: OggSegmentInput, primed: number): void {
  if (input.primed >= 0 && primed !== input.primed) {
    throw new Error(`an Ogg pre-roll decoded to ${primed} samples instead of ${input.primed}`)
  }
}

function checkKept(input: OggSegmentInput, decoded: number): void {
  if (input.last ? decoded < input.keep : decoded !== input.keep) {
    throw new Error(`an Ogg segment decoded to ${decoded} samples instead of ${input.keep}`)
  }
}

/** Decodes a run of pages of an Ogg Vorbis/Opus file (for parallel.ts). */
export interface OggSegmentTask {
  'audio-decode-ogg-segment': { input: OggSegmentInput; output: OggSegmentOutput }
}
