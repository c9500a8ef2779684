import type { TaskHandlers } from '../workers/types'
import { checkAudioFile, type CheckAudioFileTask } from './check-audio-task'
import { scanPcmBytes, scanPcmFile, type PcmScanTasks } from './pcm-scan-task'

/** The assets feature's worker tasks: checking an imported file and computing its peaks. */
export type AssetTasks = CheckAudioFileTask & PcmScanTasks

export const assetTaskHandlers = {
  'assets-check-audio-file': checkAudioFile,
  'assets-scan-pcm-file': scanPcmFile,
  'assets-scan-pcm-bytes': scanPcmBytes,
} satisfies TaskHandlers<AssetTasks>
