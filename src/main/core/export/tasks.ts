import type { TaskHandlers } from '../workers/types'
import { renderFlacFile, type FlacFileTask } from './flac-file-task'
import { renderMix, type MixTask } from './mix-task'
import { renderWavRange, type WavRangeTask } from './wav-range-task'

/** The export feature's worker tasks: rendering the files of a stems export. */
export type ExportTasks = WavRangeTask & FlacFileTask & MixTask

export const exportTaskHandlers = {
  'export-wav-range': renderWavRange,
  'export-flac-file': renderFlacFile,
  'export-mix': renderMix,
} satisfies TaskHandlers<ExportTasks>
