import type { TaskAnswer } from '../../../workers/types'
import { FfmpegMp3Decoder } from './ffmpeg'
import { joinPlanarParts } from '../planar-parts'
import { mpegLayer } from './header'
import { readRange, readRangePieces } from '../../read-range'
import { SegmentPeaksBuilder, type SegmentPeaks } from '../../dsp'

export interface Mp3SegmentInput {
  path: string
  /** File offset of the first frame to decode (priming included). */
  start: number
  /** File offset where decoding stops: the end of the segment's last frame, or of the file. */
  end: number
  /** Samples per channel the priming frames decode to: dropped. */
  skip: number
  /** Samples per channel to keep, or -1 to keep all (the last segment: to the end of the file). */
  keep: number
  /** The stream's channels (1 or 2). */
  channels: number
  /**
   * Only the peaks are wanted (see segment-peaks.ts): of the kept samples [from, to) past the
   * priming (gapless trimming), which start at `offset` in the stream.
   */
  peaks?: { from: number; to: number; offset: number }
}

export interface Mp3SegmentOutput {
  /** Past the priming, untrimmed (none when only the peaks were asked). */
  channels: Float32Array[]
  /** Frames the decoder refused. */
  errors: number
  peaks?: SegmentPeaks
}

/**
 * Decodes a run of MP3 frames read from the file (a worker task), without gapless trimming,
 * for parallel.ts. Starts on a fresh decoder; see priming.ts for why the output past the
 * priming frames equals the one-pass decode.
 */
export async function decodeMp3Segment(
  input: Mp3SegmentInput,
): Promise<TaskAnswer<Mp3SegmentOutput>> {
  const expected = input.keep < 0 ? undefined : input.skip + input.keep
  const check = (decoded: number) => {
    if (decoded < input.skip || (expected !== undefined && decoded !== expected)) {
      throw new Error(
        `an MP3 segment decoded to ${decoded} samples instead of ${expected ?? input.skip}`,
      )
    }
  }
  if (input.peaks) return peaksOf(input, input.peaks, check)
  const bytes = await readRange(input.path, input.start, input.end, 'MP3')
  // The segment starts with a frame header (see parallel.ts): it names the layer.
  const decoder = new FfmpegMp3Decoder(mpegLayer(bytes, 0), input.channels)
  try {
    const out = decoder.decode(bytes)
    check(out.samplesDecoded)
    const channels = joinPlanarParts(out.parts, input.channels).map((ch) => ch.subarray(input.skip))
    return {
      value: { channels, errors: out.errors },
      transfer: channels.map((ch) => ch.buffer as ArrayBuffer),
    }
  } finally {
    decoder.free()
  }
}

/** Input bytes read and decoded at a time when only the peaks are wanted: a few seconds of audio. */
const PEAKS_PIECE_BYTES = 1 << 16

/**
 * The peaks of the kept samples, read and decoded a few seconds at a time into the same buffers:
 * the samples go to the peaks straight from the decoder's memory, so the segment's bytes and
 * audio are never held whole and nothing is left for the garbage collector.
 */
async function peaksOf(
  input: Mp3SegmentInput,
  { from, to, offset }: NonNullable<Mp3SegmentInput['peaks']>,
  check: (decoded: number) => void,
): Promise<TaskAnswer<Mp3SegmentOutput>> {
  const peaks = new SegmentPeaksBuilder(input.channels, offset)
  // The kept samples, counted from the first one decoded (priming included).
  const keepFrom = input.skip + from
  const keepTo = input.skip + to
  let decoder: FfmpegMp3Decoder | undefined
  let decoded = 0
  let errors = 0
  try {
    for await (const piece of readRangePieces(
      input.path,
      input.start,
      input.end,
      'MP3',
      PEAKS_PIECE_BYTES,
    )) {
      // The segment starts with a frame header (see parallel.ts): it names the layer.
      decoder ??= new FfmpegMp3Decoder(mpegLayer(piece, 0), input.channels)
      errors += decoder.decodeEach(piece, (part) => {
        peaks.push(part, keepFrom - decoded, keepTo - decoded)
        decoded += part[0]!.length
      }).errors
    }
  } finally {
    decoder?.free()
  }
  check(decoded)
  const value = { channels: [], errors, peaks: peaks.finish() }
  return { value, transfer: SegmentPeaksBuilder.buffers(value.peaks) }
}

/** Decodes a run of frames of an MP3 file (for parallel.ts). */
export interface Mp3SegmentTask {
  'audio-decode-mp3-segment': { input: Mp3SegmentInput; output: Mp3SegmentOutput }
}
