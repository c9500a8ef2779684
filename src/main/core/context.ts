import type { ContentStore } from './assets/content-store'
import type { CoreEvents } from './events'
import type { FileAccess } from './file-access'
import type { Log } from './log'
import type { Secrets } from './secrets/secrets'
import type { SettingsService } from './settings-service'
import type { AssetsTable } from './store/assets'
import type { ClipsTable } from './store/clips'
import type { Db } from './store/db'
import type { GenerationsTable } from './store/generations'
import type { ProjectsTable } from './store/projects'
import type { SettingsTable } from './store/settings'
import type { TracksTable } from './store/tracks'
import type { CoreTasks } from './task-table'
import type { TaskRunner } from './workers/types'

/** What handlers share: the open store, its tables, services, and the injected clock and log. */
export interface CoreContext {
  dataDir: string
  db: Db
  projects: ProjectsTable
  tracks: TracksTable
  clips: ClipsTable
  generations: GenerationsTable
  assets: AssetsTable
  settingsTable: SettingsTable
  settings: SettingsService
  secrets: Secrets
  contentStore: ContentStore
  events: CoreEvents
  /** Heavy audio work (decoding, rendering) off the main thread. */
  tasks: TaskRunner<CoreTasks>
  clock: () => number
  log: Log
  newId: () => string
  /** What imports by path may read and exports may write. */
  files: FileAccess
}
