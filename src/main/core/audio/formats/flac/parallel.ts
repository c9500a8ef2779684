import { resultsInOrder } from '../../../workers/results-in-order'
import type { TaskRunner } from '../../../workers/types'
import { checkFlacDecoded } from './decode'
import { FileWindow } from '../../file-window'
import {
  flacMaxBlockSize,
  flacMaxFrameBytes,
  flacMinFrameBytes,
  parseFlacStreamInfo,
  streamInfoBlock,
  trustFrames,
  type FlacStreamInfo,
} from './header'
import type { FlacSegmentInput, FlacSegmentTask } from './segment-task'
import { SegmentPeaksJoiner } from '../../dsp'

/** Audio per worker task: long enough for small fixed costs, short enough to bound memory. */
export const FLAC_SEGMENT_SECONDS = 20

/** The most frames per channel a segment may decode to (its output is held whole). */
const SEGMENT_FRAMES = 1 << 22
/** How many times more segments than by time are planned at most; beyond, one pass decodes. */
const MAX_SEGMENT_SPLIT = 8

/** How a native FLAC file is decoded in segments on worker threads. */
export interface FlacSegmentPlan {
  info: FlacStreamInfo
  /** STREAMINFO's largest block: a fixed-blocksize stream's, by which frame numbers count. */
  blockSize: number
  segments: FlacSegmentInput[]
}

/**
 * Plans the decode of a native FLAC file in segments of about `segmentSeconds`, cut by bytes
 * (each segment holds the frames that start in its bytes), or returns undefined when it must be
 * decoded in one pass: too short for two segments, or a STREAMINFO that does not give the length
 * of the stream and the size of its largest frame (or is not there: the one-pass decode reports
 * the problem).
 */
export async function planFlacSegments(
  path: string,
  segmentSeconds = FLAC_SEGMENT_SECONDS,
): Promise<FlacSegmentPlan | undefined> {
  const file = await FileWindow.open(path, 1 << 16)
  try {
    const at = await file.at(0, 42)
    const head = file.bytes.subarray(at, at + 42)
    let info: FlacStreamInfo | undefined
    try {
      info = parseFlacStreamInfo(head)
    } catch {
      return undefined
    }
    if (!info || info.totalSamples === 0) return undefined
    const maxFrame = flacMaxFrameBytes(head)
    if (maxFrame === 0) return undefined
    // The metadata blocks, up to the one flagged last; the frames follow.
    let audioStart = 4
    for (let last = 0; !last;) {
      const i = await file.at(audioStart, 4)
      if (i + 4 > file.bytes.length) return undefined
      last = file.bytes[i]! & 0x80
      audioStart +=
        4 + ((file.bytes[i + 1]! << 16) | (file.bytes[i + 2]! << 8) | file.bytes[i + 3]!)
    }
    if (audioStart >= file.size) return undefined
    const first = await file.at(audioStart, 16)
    try {
      info = trustFrames(info, file.bytes, first)
    } catch {
      return undefined // the one-pass decode says what is wrong
    }
    let count = Math.round(info.totalSamples / info.sampleRate / segmentSeconds)
    if (count < 2) return undefined
    // Segments are cut by bytes: the smallest frames bound the audio one may hold (a stretch of
    // silence packs hours into a few megabytes). More segments keep each within SEGMENT_FRAMES.
    const minFrame = flacMinFrameBytes(head)
    const maxBlock = flacMaxBlockSize(head)
    if (minFrame === 0 || maxBlock === 0) return undefined
    const bytes = file.size - audioStart
    const worst = Math.ceil(bytes / minFrame + count) * maxBlock
    const needed = Math.ceil(worst / SEGMENT_FRAMES)
    if (needed > MAX_SEGMENT_SPLIT * count) return undefined
    count = Math.max(count, needed)
    const maxFrames = Math.ceil(bytes / count / minFrame + 2) * maxBlock
    const step = bytes / count
    const streamInfo = streamInfoBlock(head, info)
    const segments: FlacSegmentInput[] = []
    for (let k = 0; k < count; k++) {
      segments.push({
        path,
        from: audioStart + Math.round(k * step),
        to: k === count - 1 ? file.size : audioStart + Math.round((k + 1) * step),
        last: k === count - 1,
        maxFrame,
        maxFrames,
        streamInfo,
        channels: info.channels,
      })
    }
    return { info, blockSize: maxBlock, segments }
  } finally {
    await file.close()
  }
}

/**
 * Decodes a planned FLAC file: its segments run on `tasks` (see resultsInOrder) and come out in
 * order, never past STREAMINFO's length. Throws the one-pass decode's AudioErrors at the end.
 */
export async function* decodeFlacSegments(
  plan: FlacSegmentPlan,
  tasks: TaskRunner<FlacSegmentTask>,
): AsyncGenerator<Float32Array[]> {
  const { segments } = plan
  const expected = plan.info.totalSamples
  const results = resultsInOrder(segments.length, tasks, (k) =>
    tasks.run('audio-decode-flac-segment', segments[k]!),
  )
  let decoded = 0
  let errors = 0
  for await (const out of results) {
    errors += out.errors
    for (const chunk of out.chunks) {
      const keep = Math.min(chunk[0]!.length, expected - decoded)
      decoded += chunk[0]!.length
      if (keep > 0) yield keep < chunk[0]!.length ? chunk.map((ch) => ch.subarray(0, keep)) : chunk
    }
  }
  checkFlacDecoded(decoded, expected, errors)
}

/**
 * The peaks of a planned FLAC file (an import's check): each segment's worker computes its own,
 * and only they cross to this thread. Throws the one-pass decode's AudioErrors at the end.
 */
export async function flacSegmentPeaks(
  plan: FlacSegmentPlan,
  tasks: TaskRunner<FlacSegmentTask>,
): Promise<SegmentPeaksJoiner> {
  const { segments, info } = plan
  const peaks = { totalSamples: info.totalSamples, blockSize: plan.blockSize }
  const joined = new SegmentPeaksJoiner(
    info.channels,
    'the FLAC stream is damaged',
    info.totalSamples,
  )
  const results = resultsInOrder(
    segments.length,
    tasks,
    (k) => tasks.run('audio-decode-flac-segment', { ...segments[k]!, peaks }),
    1,
  )
  let decoded = 0
  let errors = 0
  for await (const out of results) {
    errors += out.errors
    decoded += out.decoded
    if (errors === 0) joined.add(out.peaks!)
  }
  checkFlacDecoded(decoded, info.totalSamples, errors)
  return joined
}
