import type { TaskAnswer } from '../workers/types'
import { silenceStarvedFrames } from './mp3-priming'
import { readRange } from './read-range'
import { SegmentPeaksBuilder, type SegmentPeaks } from './segment-peaks'

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
  /** Layer III decoded from a frame after the first: frames starved of reservoir are silenced. */
  primed: boolean
  /** 1 for a mono stream (mpg123 always decodes two channels). */
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
  /** Errors mpg123 reported. */
  errors: number
  peaks?: SegmentPeaks
}

/**
 * Decodes a run of MP3 frames read from the file (a worker task), without gapless trimming,
 * for mp3-parallel.ts. Starts on a fresh decoder; see mp3-priming.ts for why the output past the
 * priming frames equals the one-pass decode.
 */
export async function decodeMp3Segment(
  input: Mp3SegmentInput,
): Promise<TaskAnswer<Mp3SegmentOutput>> {
  const bytes = await readRange(input.path, input.start, input.end, 'MP3')
  if (input.primed) silenceStarvedFrames(bytes)
  // Dynamic import: the package is ESM-only and the main process bundle is CommonJS.
  const { MPEGDecoder } = await import('mpg123-decoder')
  const decoder = new MPEGDecoder({ enableGapless: false })
  await decoder.ready
  let out
  try {
    out = decoder.decode(bytes)
  } finally {
    decoder.free()
  }
  const expected = input.keep < 0 ? undefined : input.skip + input.keep
  if (
    out.samplesDecoded < input.skip ||
    (expected !== undefined && out.samplesDecoded !== expected)
  ) {
    throw new Error(
      `an MP3 segment decoded to ${out.samplesDecoded} samples instead of ${expected ?? input.skip}`,
    )
  }
  const channels = out.channelData.slice(0, input.channels).map((ch) => ch.subarray(input.skip))
  if (input.peaks) {
    const { from, to, offset } = input.peaks
    const peaks = new SegmentPeaksBuilder(input.channels, offset)
    peaks.push(channels.map((ch) => ch.subarray(from, Math.max(from, to))))
    const value = { channels: [], errors: out.errors.length, peaks: peaks.finish() }
    return { value, transfer: SegmentPeaksBuilder.buffers(value.peaks) }
  }
  return {
    value: { channels, errors: out.errors.length },
    transfer: channels.map((ch) => ch.buffer as ArrayBuffer),
  }
}

/** Decodes a run of frames of an MP3 file (for mp3-parallel.ts). */
export interface Mp3SegmentTask {
  'audio-decode-mp3-segment': { input: Mp3SegmentInput; output: Mp3SegmentOutput }
}
