import { resultsInOrder } from '../../../workers/results-in-order'
import type { TaskRunner } from '../../../workers/types'
import { checkLength } from '../../audio-limits'
import { checkMp3Decoded, mp3ExpectedFrames, mp3GaplessRange } from './decode'
import { indexMp3File, type Mp3FrameIndex } from './frame-index'
import { PRIME_STEP, primingStart } from './priming'
import type { Mp3SegmentInput, Mp3SegmentTask } from './segment-task'
import { SegmentPeaksJoiner } from '../../dsp'

/** Audio per worker task: long enough that priming costs little, short enough to bound memory. */
export const MP3_SEGMENT_SECONDS = 20

/** Frames [from, to) of a segment, decoded from frame `prime` on (see priming.ts). */
interface Segment {
  prime: number
  from: number
  to: number
}

/**
 * How an MP3 file is decoded in segments on worker threads: plain data (made on a worker thread,
 * see segmented-decode.ts), without the frame index.
 */
export interface Mp3SegmentPlan {
  /** The worker tasks, one per segment. */
  inputs: Mp3SegmentInput[]
  /** Where each segment's kept samples start among the untrimmed ones. */
  firsts: number[]
  sampleRate: number
  channels: number
  expectedFrames: number | undefined
  /** The decoded samples kept (gapless trimming, mp3GaplessRange): [begin, end) of the untrimmed ones. */
  begin: number
  end: number
}

/**
 * Plans the decode of an MP3 file in segments of about `segmentSeconds`, or returns undefined
 * when it must be decoded in one pass: too short for two segments, or not indexable (see
 * indexMp3File).
 */
export async function planMp3Segments(
  path: string,
  segmentSeconds = MP3_SEGMENT_SECONDS,
): Promise<Mp3SegmentPlan | undefined> {
  const index = await indexMp3File(path)
  if (!index) return undefined
  const { info } = index
  // The frames are counted: a file beyond the length limit is refused before any decoding.
  checkLength(index.frames * info.samplesPerFrame, info.sampleRate)
  const perSegment =
    PRIME_STEP *
    Math.max(1, Math.round((segmentSeconds * info.sampleRate) / info.samplesPerFrame / PRIME_STEP))
  if (index.frames <= perSegment) return undefined
  const segments: Segment[] = []
  for (let from = 0; from < index.frames; from += perSegment) {
    const to = Math.min(index.frames, from + perSegment)
    const prime = primingStart(index, from)
    if (prime === undefined) return undefined
    segments.push({ prime, from, to })
  }
  const { begin, end } = mp3GaplessRange(info)
  return {
    inputs: segments.map((_, k) => segmentInput(path, index, segments, k)),
    firsts: segments.map((segment) => segment.from * info.samplesPerFrame),
    sampleRate: info.sampleRate,
    channels: info.channels,
    expectedFrames: mp3ExpectedFrames(info),
    begin,
    end,
  }
}

/**
 * Decodes a planned MP3 file: its segments run on `tasks` (see resultsInOrder) and come out in
 * order, trimmed as the one-pass decode trims them. Throws the one-pass decode's AudioErrors at
 * the end.
 */
export async function* decodeMp3Segments(
  plan: Mp3SegmentPlan,
  tasks: TaskRunner<Mp3SegmentTask>,
): AsyncGenerator<Float32Array[]> {
  const { inputs } = plan
  const results = resultsInOrder(inputs.length, tasks, (k) =>
    tasks.run('audio-decode-mp3-segment', inputs[k]!),
  )
  let decoded = 0
  let errors = 0
  let k = 0
  for await (const out of results) {
    errors += out.errors
    const { from, to: end } = keptRange(plan, k++)
    const to = Math.min(out.channels[0]!.length, end)
    if (to <= from) continue
    decoded += to - from
    yield out.channels.map((ch) => ch.subarray(from, to))
  }
  checkMp3Decoded(decoded, plan.expectedFrames, errors)
}

/**
 * The peaks of a planned MP3 file (an import's check): each segment's worker trims its samples
 * and computes their peaks, and only they cross to this thread. Throws the one-pass decode's
 * AudioErrors at the end.
 */
export async function mp3SegmentPeaks(
  plan: Mp3SegmentPlan,
  tasks: TaskRunner<Mp3SegmentTask>,
): Promise<SegmentPeaksJoiner> {
  const { inputs, channels } = plan
  const joined = new SegmentPeaksJoiner(channels, 'the MP3 stream is damaged', plan.expectedFrames)
  const results = resultsInOrder(
    inputs.length,
    tasks,
    (k) => {
      const { from, to } = keptRange(plan, k)
      const peaks = { from, to, offset: Math.max(0, plan.firsts[k]! - plan.begin) }
      return tasks.run('audio-decode-mp3-segment', { ...inputs[k]!, peaks })
    },
    1,
  )
  let decoded = 0
  let errors = 0
  for await (const out of results) {
    errors += out.errors
    decoded += out.peaks!.frames
    joined.add(out.peaks!)
  }
  checkMp3Decoded(decoded, plan.expectedFrames, errors)
  return joined
}

/** The samples of segment k kept by gapless trimming: [from, to) of its output past priming. */
function keptRange(plan: Mp3SegmentPlan, k: number): { from: number; to: number } {
  const first = plan.firsts[k]!
  return { from: Math.max(0, plan.begin - first), to: plan.end - first }
}

function segmentInput(
  path: string,
  index: Mp3FrameIndex,
  segments: Segment[],
  k: number,
): Mp3SegmentInput {
  const { prime, from, to } = segments[k]!
  const last = k === segments.length - 1
  const samplesPerFrame = index.info.samplesPerFrame
  return {
    path,
    start: index.offsets[prime]!,
    // The last segment runs to the end of the file, as the one-pass decode does.
    end: last ? index.fileSize : index.offsets[to]!,
    skip: (from - prime) * samplesPerFrame,
    keep: last ? -1 : (to - from) * samplesPerFrame,
    channels: index.info.channels,
  }
}
