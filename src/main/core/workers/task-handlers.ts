import { decodeFlacSegment } from '../audio/flac-segment-task'
import { decodeMp3Segment } from '../audio/mp3-segment-task'
import { planSegmentsTask } from '../audio/segmented-decode'
import { checkAudioFile } from '../assets/check-audio-task'
import { scanPcmBytes, scanPcmFile } from '../assets/pcm-scan-task'
import { renderFlacFile } from '../export/flac-file-task'
import { renderMix } from '../export/mix-task'
import { renderWavRange } from '../export/wav-range-task'
import type { TaskHandlers } from './tasks'

/** The implementation of every worker task, shared by the worker entry and the inline runner. */
export const taskHandlers: TaskHandlers = {
  'audio-decode-flac-segment': decodeFlacSegment,
  'audio-decode-mp3-segment': decodeMp3Segment,
  'audio-plan-segments': planSegmentsTask,
  'assets-check-audio-file': checkAudioFile,
  'assets-scan-pcm-file': scanPcmFile,
  'assets-scan-pcm-bytes': scanPcmBytes,
  'export-wav-range': renderWavRange,
  'export-flac-file': renderFlacFile,
  'export-mix': renderMix,
}
