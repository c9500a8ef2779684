import type { TaskHandlers } from '../workers/types'
import { decodeFlacSegment, type FlacSegmentTask } from './formats/flac/segment-task'
import { decodeMp3Segment, type Mp3SegmentTask } from './formats/mp3/segment-task'
import { decodeOggSegment, type OggSegmentTask } from './formats/ogg/segment-task'
import { planSegmentsTask, type PlanSegmentsTask } from './segmented-decode'

/** The audio feature's worker tasks: decoding MP3/FLAC/Ogg files in segments. */
export type AudioTasks = FlacSegmentTask & Mp3SegmentTask & OggSegmentTask & PlanSegmentsTask

export const audioTaskHandlers = {
  'audio-decode-flac-segment': decodeFlacSegment,
  'audio-decode-mp3-segment': decodeMp3Segment,
  'audio-decode-ogg-segment': decodeOggSegment,
  'audio-plan-segments': planSegmentsTask,
} satisfies TaskHandlers<AudioTasks>
