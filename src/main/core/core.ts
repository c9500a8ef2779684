import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Handlers } from '../../shared/api'
import { version } from '../../../package.json'
import { ContentStore } from './assets/content-store'
import type { CoreContext } from './context'
import { createDispatch, type Dispatch } from './dispatch'
import { CoreEvents } from './events'
import { projectHandlers } from './handlers/projects'
import { settingsHandlers } from './handlers/settings'
import { trackHandlers } from './handlers/tracks'
import type { Log } from './log'
import type { Secrets } from './secrets/secrets'
import { SettingsService } from './settings-service'
import { AssetsTable } from './store/assets'
import { ClipsTable } from './store/clips'
import { openDb } from './store/db'
import { SCHEMA_VERSION } from './store/migrations'
import { ProjectsTable } from './store/projects'
import { SettingsTable } from './store/settings'
import { TracksTable } from './store/tracks'

export interface CoreOptions {
  dataDir: string
  secrets: Secrets
  fetch: typeof globalThis.fetch
  clock: () => number
  log: Log
  mode: 'electron' | 'browser'
  env?: Readonly<Record<string, string | undefined>>
}

export interface Core {
  handlers: Handlers
  dispatch: Dispatch
  events: CoreEvents
  contentStore: ContentStore
  /** The stored file of an asset, for the media protocol; null when the id is unknown. */
  assetPath(assetId: string): string | null
  close(): void
}

export const DATABASE_FILE = 'musicsketch.sqlite'

/** The composition root: opens the store and wires every handler of the contract. */
export function createCore(options: CoreOptions): Core {
  const { dataDir, clock, log } = options
  mkdirSync(dataDir, { recursive: true })
  const db = openDb(join(dataDir, DATABASE_FILE))
  const settingsTable = new SettingsTable(db)
  const assets = new AssetsTable(db)
  const ctx: CoreContext = {
    dataDir,
    db,
    projects: new ProjectsTable(db),
    tracks: new TracksTable(db),
    clips: new ClipsTable(db),
    settingsTable,
    settings: new SettingsService(settingsTable, options.env ?? process.env),
    secrets: options.secrets,
    contentStore: new ContentStore(dataDir),
    events: new CoreEvents(),
    clock,
    log,
    newId: randomUUID,
  }

  const handlers: Handlers = {
    'app.info': () => ({
      name: 'MusicSketch',
      version,
      mode: options.mode,
      dataDir,
      schemaVersion: SCHEMA_VERSION,
      platform: process.platform,
    }),
    ...projectHandlers(ctx),
    ...trackHandlers(ctx),
    ...settingsHandlers(ctx),
  }
  log.info('core started', { dataDir, schemaVersion: SCHEMA_VERSION })

  return {
    handlers,
    dispatch: createDispatch(handlers, log),
    events: ctx.events,
    contentStore: ctx.contentStore,
    assetPath: (assetId) => {
      const row = assets.findFile(assetId)
      return row ? ctx.contentStore.pathOf(row.sha256, row.ext) : null
    },
    close: () => db.close(),
  }
}
