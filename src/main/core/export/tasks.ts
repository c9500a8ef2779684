import type { TaskHandlers } from '../workers/types'
import { renderFlacFile, type FlacFileTask } from './flac-file-task'
import { renderWavRange, type WavRangeTask } from './wav-range-task'

/** The export feature's worker tasks: rendering the files of a stems export. */
export type ExportTasks = WavRangeTask & FlacFileTask

export const exportTaskHandlers = {
  'export-wav-range': renderWavRange,
  'export-flac-file': renderFlacFile,
} satisfies TaskHandlers<ExportTasks>
