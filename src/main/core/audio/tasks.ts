import type { TaskHandlers } from '../workers/types'
import { decodeFlacSegment, type FlacSegmentTask } from './flac-segment-task'
import { decodeMp3Segment, type Mp3SegmentTask } from './mp3-segment-task'
import { planSegmentsTask, type PlanSegmentsTask } from './segmented-decode'

/** The audio feature's worker tasks: decoding MP3/FLAC files in segments. */
export type AudioTasks = FlacSegmentTask & Mp3SegmentTask & PlanSegmentsTask

export const audioTaskHandlers = {
  'audio-decode-flac-segment': decodeFlacSegment,
  'audio-decode-mp3-segment': decodeMp3Segment,
  'audio-plan-segments': planSegmentsTask,
} satisfies TaskHandlers<AudioTasks>
