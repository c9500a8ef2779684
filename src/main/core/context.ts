import type { ContentStore } from './assets/content-store'
import type { CoreEvents } from './events'
import type { Log } from './log'
import type { Secrets } from './secrets/secrets'
import type { SettingsService } from './settings-service'
import type { AssetsTable } from './store/assets'
import type { ClipsTable } from './store/clips'
import type { Db } from './store/db'
import type { ProjectsTable } from './store/projects'
import type { SettingsTable } from './store/settings'
import type { TracksTable } from './store/tracks'

/** What handlers share: the open store, its tables, services, and the injected clock and log. */
export interface CoreContext {
  dataDir: string
  db: Db
  projects: ProjectsTable
  tracks: TracksTable
  clips: ClipsTable
  assets: AssetsTable
  settingsTable: SettingsTable
  settings: SettingsService
  secrets: Secrets
  contentStore: ContentStore
  events: CoreEvents
  clock: () => number
  log: Log
  newId: () => string
}
