// Every worker task of the core: each feature declares its tasks next to its code (audio/tasks.ts,
// assets/tasks.ts, export/tasks.ts); the worker entry and the core's runner serve their union.
import { assetTaskHandlers, type AssetTasks } from './assets/tasks'
import { audioTaskHandlers, type AudioTasks } from './audio/tasks'
import { exportTaskHandlers, type ExportTasks } from './export/tasks'
import type { TaskHandlers } from './workers/types'

export type CoreTasks = AudioTasks & AssetTasks & ExportTasks

export const coreTaskHandlers: TaskHandlers<CoreTasks> = {
  ...audioTaskHandlers,
  ...assetTaskHandlers,
  ...exportTaskHandlers,
}
