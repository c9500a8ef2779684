import type { TaskAnswer, TaskRunner } from '../workers/types'
import type { DecodedInfo } from './decoded-info'
import {
  decodeFlacSegments,
  flacSegmentPeaks,
  planFlacSegments,
  type FlacSegmentPlan,
} from './formats/flac/parallel'
import type { FlacSegmentTask } from './formats/flac/segment-task'
import {
  decodeMp3Segments,
  mp3SegmentPeaks,
  planMp3Segments,
  type Mp3SegmentPlan,
} from './formats/mp3/parallel'
import type { Mp3SegmentTask } from './formats/mp3/segment-task'
import {
  decodeOggSegments,
  oggSegmentPeaks,
  planOggSegments,
  type OggSegmentPlan,
} from './formats/ogg/parallel'
import type { OggSegmentTask } from './formats/ogg/segment-task'
import type { SegmentPeaksJoiner } from './dsp'

/** A file to decode on worker threads when its format allows. */
export interface ParallelSource {
  path: string
  tasks: TaskRunner<DecodeTasks>
  segmentSeconds: number | undefined
}

/** A file decoded in segments on worker threads: what it holds, and its decode. */
export interface Segmented {
  info: DecodedInfo
  decode(): AsyncGenerator<Float32Array[]>
  /** The decode's peaks alone, computed on the workers: the samples stay there. */
  peaks(): Promise<SegmentPeaksJoiner>
}

/** The formats decoded in segments when worker threads run. */
export type SegmentedFormat = 'mp3' | 'flac' | 'ogg-vorbis' | 'ogg-opus'

export function isSegmentedFormat(format: string): format is SegmentedFormat {
  return format === 'mp3' || format === 'flac' || format === 'ogg-vorbis' || format === 'ogg-opus'
}

export interface SegmentPlanInput {
  format: SegmentedFormat
  path: string
  segmentSeconds: number | undefined
}

/** A plan as it crosses threads: plain data. */
export type SegmentPlan =
  | { format: 'mp3'; mp3: Mp3SegmentPlan }
  | { format: 'flac'; flac: FlacSegmentPlan }
  | { format: 'ogg-vorbis' | 'ogg-opus'; ogg: OggSegmentPlan }

/** Plans the decode of an MP3/FLAC file in segments (planSegmentsTask). */
export interface PlanSegmentsTask {
  'audio-plan-segments': { input: SegmentPlanInput; output: SegmentPlan | null }
}

/** The tasks a decode on worker threads runs. */
export type DecodeTasks = PlanSegmentsTask & FlacSegmentTask & Mp3SegmentTask & OggSegmentTask

/**
 * Plans the decode of an MP3, FLAC or Ogg file in segments; undefined when it takes one pass. The
 * planning reads the whole file (an MP3's frame index, Ogg pages), so it runs as a task: on a
 * worker thread, never holding up the main one.
 */
export async function planSegments(
  format: SegmentedFormat,
  { path, tasks, segmentSeconds }: ParallelSource,
): Promise<Segmented | undefined> {
  const plan = await tasks.run('audio-plan-segments', { format, path, segmentSeconds })
  return plan ? segmentedDecode(plan, tasks) : undefined
}

/** The worker task behind planSegments. */
export async function planSegmentsTask(
  input: SegmentPlanInput,
): Promise<TaskAnswer<SegmentPlan | null>> {
  const { format, path, segmentSeconds } = input
  if (format === 'mp3') {
    const mp3 = await planMp3Segments(path, segmentSeconds)
    return { value: mp3 ? { format, mp3 } : null }
  }
  if (format === 'flac') {
    const flac = await planFlacSegments(path, segmentSeconds)
    return { value: flac ? { format, flac } : null }
  }
  const ogg = await planOggSegments(
    path,
    format === 'ogg-vorbis' ? 'vorbis' : 'opus',
    segmentSeconds,
  )
  return { value: ogg ? { format, ogg } : null }
}

function segmentedDecode(plan: SegmentPlan, tasks: TaskRunner<DecodeTasks>): Segmented {
  if (plan.format === 'mp3') {
    const { sampleRate, channels, expectedFrames } = plan.mp3
    return {
      info: {
        format: 'mp3',
        sampleRate,
        channels,
        ...(expectedFrames !== undefined && { expectedFrames }),
      },
      decode: () => decodeMp3Segments(plan.mp3, tasks),
      peaks: () => mp3SegmentPeaks(plan.mp3, tasks),
    }
  }
  if (plan.format !== 'flac') {
    const { sampleRate, channels } = plan.ogg
    return {
      info: { format: plan.format, sampleRate, channels },
      decode: () => decodeOggSegments(plan.ogg, tasks),
      peaks: () => oggSegmentPeaks(plan.ogg, tasks),
    }
  }
  const { sampleRate, channels, totalSamples } = plan.flac.info
  return {
    info: { format: 'flac', sampleRate, channels, expectedFrames: totalSamples },
    decode: () => decodeFlacSegments(plan.flac, tasks),
    peaks: () => flacSegmentPeaks(plan.flac, tasks),
  }
}
