import type { FlacSegmentInput, FlacSegmentOutput } from '../audio/flac-segment-task'
import type { Mp3SegmentInput, Mp3SegmentOutput } from '../audio/mp3-segment-task'
import type {
  PcmScanBytesInput,
  PcmScanFileInput,
  PcmScanFileOutput,
} from '../assets/pcm-scan-task'
import type { SegmentPlan, SegmentPlanInput } from '../audio/segmented-decode'
import type { AudioFileCheck } from '../assets/check-audio-task'
import type { FlacFileInput } from '../export/flac-file-task'
import type { MixInput, MixMeasure } from '../export/mix-task'
import type { WavRangeInput } from '../export/wav-range-task'

/**
 * The work that runs on worker threads, as a table of task kinds with their input and output.
 * Inputs and outputs cross threads by structured clone; big buffers are transferred.
 */
// Each feature adds its tasks here and their implementation in task-handlers.ts.
export interface WorkerTasks {
  /** Decodes the frames in a range of a FLAC file (audio/flac-segment-task.ts). */
  'audio-decode-flac-segment': { input: FlacSegmentInput; output: FlacSegmentOutput }
  /** Decodes a run of frames of an MP3 file (audio/mp3-segment-task.ts, for mp3-parallel.ts). */
  'audio-decode-mp3-segment': { input: Mp3SegmentInput; output: Mp3SegmentOutput }
  /** Plans the decode of an MP3/FLAC file in segments (audio/segmented-decode.ts). */
  'audio-plan-segments': { input: SegmentPlanInput; output: SegmentPlan | null }
  /** Decodes a compressed file in one pass to check it and compute its peaks (an import). */
  'assets-check-audio-file': { input: { path: string }; output: AudioFileCheck }
  /** Checks a WAV/AIFF file and computes its peaks, for an import (assets/pcm-scan-task.ts). */
  'assets-scan-pcm-file': { input: PcmScanFileInput; output: PcmScanFileOutput }
  /** The same for bytes in shared memory (an import of bytes). */
  'assets-scan-pcm-bytes': { input: PcmScanBytesInput; output: PcmScanFileOutput }
  /** Renders a range of a WAV stems export into its temporary files (export/wav-range-task.ts). */
  'export-wav-range': { input: WavRangeInput; output: { frames: number; direct: boolean } }
  /** Renders and encodes one FLAC file of a stems export (export/flac-file-task.ts). */
  'export-flac-file': { input: FlacFileInput; output: { bytes: number } }
  /** Renders an export's mix through the master bus, or only measures it (export/mix-task.ts). */
  'export-mix': { input: MixInput; output: MixMeasure }
}

export type TaskKind = keyof WorkerTasks

export type TaskInput<K extends TaskKind> = WorkerTasks[K] extends { input: infer I } ? I : never
export type TaskOutput<K extends TaskKind> = WorkerTasks[K] extends { output: infer O } ? O : never

/** A handler's answer: the value, and the buffers to move (not copy) to the caller. */
export interface TaskAnswer<O> {
  value: O
  transfer?: ArrayBuffer[]
}

export type TaskHandlers = {
  [K in TaskKind]: (input: TaskInput<K>) => Promise<TaskAnswer<TaskOutput<K>>>
}

/** Runs tasks: on a pool of worker threads in the app, or in this thread (see task-runner.ts). */
export interface TaskRunner {
  /** How many tasks run at the same time; callers split work into about this many parts. */
  readonly parallelism: number
  run<K extends TaskKind>(
    kind: K,
    input: TaskInput<K>,
    transfer?: ArrayBuffer[],
  ): Promise<TaskOutput<K>>
  close(): Promise<void>
}
