import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Handlers } from '../../shared/api'
import { version } from '../../../package.json'
import { ContentStore } from './assets/content-store'
import { cleanContentStore } from './assets/store-cleanup'
import { mediaFor, type MediaFile } from './assets/media'
import type { CoreContext } from './context'
import { createDispatch, type Dispatch } from './dispatch'
import { CoreEvents } from './events'
import { desktopFileAccess, type FileAccess } from './file-access'
import { sweepUploads, uploadPath } from './assets/uploads'
import { assetHandlers } from './handlers/assets'
import { mediaHandlers, mediaProtocolUrl } from './handlers/media'
import { chainHandlers } from './handlers/chains'
import { clipHandlers } from './handlers/clips'
import { dragOutHandlers, type StartDrag } from './handlers/drag-out'
import { exportHandlers } from './handlers/export'
import { generationHandlers } from './handlers/generations'
import { historyHandlers } from './handlers/history'
import { localModelHandlers } from './handlers/local-model'
import { projectDetail, projectHandlers } from './handlers/projects'
import { settingsHandlers } from './handlers/settings'
import { relayTakeChanges, takeHandlers } from './handlers/takes'
import { trackHandlers } from './handlers/tracks'
import { TimelineHistory } from './history/timeline-history'
import { type ClientFactory } from './jobs/clients'
import { Chains } from './jobs/chains'
import { createJobQueue } from './jobs/setup'
import type { Log } from './log'
import { realSleep, type Sleep } from './providers/http'
import { LocalEngineHost } from './providers/local/engine-host'
import { LocalClient } from './providers/local/local-client'
import { LocalModelManager } from './providers/local/model-manager'
import type { Secrets } from './secrets/secrets'
import { SettingsService } from './settings-service'
import { AssetsTable } from './store/assets'
import { ClipsTable } from './store/clips'
import { openDb } from './store/db'
import { GenerationsTable } from './store/generations'
import { SCHEMA_VERSION } from './store/migrations'
import { ProjectStateTable } from './store/project-state'
import { ProjectsTable } from './store/projects'
import { SettingsTable } from './store/settings'
import { TakePages } from './store/take-pages'
import { TakeStarsTable } from './store/take-stars'
import { TracksTable } from './store/tracks'
import { coreTaskHandlers, type CoreTasks } from './task-table'
import { InlineRunner } from './workers/task-runner'
import { WorkerPool } from './workers/worker-pool'

export interface CoreOptions {
  dataDir: string
  secrets: Secrets
  fetch: typeof globalThis.fetch
  clock: () => number
  log: Log
  mode: 'electron' | 'browser'
  env?: Readonly<Record<string, string | undefined>>
  /** Native UI the shell offers (Electron's dialogs); absent in browser mode. */
  chooseDirectory?: (title: string) => Promise<string | null>
  /** The shell's native drag of a file out of the window (Electron); absent in browser mode. */
  startDrag?: StartDrag
  /** Where the job queue and provider clients wait (tests make it instant). */
  sleep?: Sleep
  /** Seeds and jitter (tests make them known). */
  random?: () => number
  /** Replaces the provider HTTP clients (benchmarks of the queue itself). */
  providerClients?: ClientFactory
  /**
   * The built worker entry (worker-main.ts): heavy audio work then runs on a pool of worker
   * threads. Without it, the same work runs in this thread.
   */
  workerScript?: string
  /** The built local engine process entry (providers/local/engine-process.ts); without it `local` fails. */
  localEngineScript?: string
  /**
   * The URL the renderer fetches an asset's audio from (browser mode: a signed capability URL);
   * by default the app's media protocol.
   */
  mediaUrl?: (assetId: string) => string
  /** What imports by path may read and exports may write; by default the desktop app's rules. */
  files?: FileAccess
}

export interface Core {
  handlers: Handlers
  dispatch: Dispatch
  events: CoreEvents
  contentStore: ContentStore
  /** An asset's audio for the renderer (media protocol, browser host); null for an unknown id. */
  media(assetId: string): Promise<MediaFile | null>
  /** Where browser mode's upload of `uploadId` is written (assets.import reads it from there). */
  uploadPath(uploadId: string): string
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
    generations: new GenerationsTable(db, clock),
    assets,
    settingsTable,
    settings: new SettingsService(settingsTable, options.env ?? process.env),
    secrets: options.secrets,
    contentStore: new ContentStore(dataDir),
    events: new CoreEvents(),
    tasks: options.workerScript
      ? new WorkerPool<CoreTasks>(options.workerScript)
      : new InlineRunner(coreTaskHandlers),
    clock,
    log,
    newId: randomUUID,
    files: options.files ?? desktopFileAccess,
  }
  const localModel = new LocalModelManager({
    dataDir,
    fetch: options.fetch,
    hubUrl: () => ctx.settings.addressOf('local'),
    log,
    onChange: (status) => ctx.events.emit('localModel.changed', status),
  })
  const localEngine = new LocalEngineHost(options.localEngineScript ?? null)
  const localClient = new LocalClient({
    host: localEngine,
    manager: localModel,
    outputDir: join(dataDir, 'tmp', 'local'),
    log,
  })
  const queue = createJobQueue(ctx, {
    local: localClient,
    fetch: options.fetch,
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
    clientFor: options.providerClients,
  })

  // The history applies its steps through the handlers below (built after it).
  const history = new TimelineHistory(
    ctx,
    new ProjectStateTable(db, 'project_history', 'stack'),
    () => handlers,
  )
  const chains = new Chains(ctx, queue, history)
  const takePages = new TakePages(db)
  relayTakeChanges(ctx, takePages)
  queue.onSucceeded = (record) => chains.onEnded(record)

  const handlers: Handlers = {
    'app.info': () => ({
      name: 'MusicSketch',
      version,
      mode: options.mode,
      dataDir,
      schemaVersion: SCHEMA_VERSION,
      platform: process.platform,
    }),
    'app.chooseDirectory': ({ title }) =>
      options.chooseDirectory ? options.chooseDirectory(title ?? 'Choose a folder') : null,
    ...projectHandlers(ctx),
    ...trackHandlers(ctx),
    ...settingsHandlers(ctx, queue),
    ...localModelHandlers(localModel),
    ...assetHandlers(ctx),
    ...mediaHandlers(ctx, options.mediaUrl ?? mediaProtocolUrl),
    ...clipHandlers(ctx),
    ...exportHandlers(ctx, (projectId) => projectDetail(ctx, projectId)),
    ...dragOutHandlers(ctx, options.startDrag),
    ...takeHandlers(ctx, new TakeStarsTable(db), takePages),
    ...generationHandlers(ctx, queue, takePages),
    ...chainHandlers(ctx, queue, chains),
    ...historyHandlers(ctx, history, new ProjectStateTable(db, 'project_drafts', 'draft')),
  }
  log.info('core started', { dataDir, schemaVersion: SCHEMA_VERSION })
  // Resumes the takes an earlier run left unfinished.
  queue.start()
  cleanContentStore(ctx)
  void sweepUploads(dataDir, clock()).catch((error: unknown) =>
    log.warn('old uploads could not be removed', { error: String(error) }),
  )

  return {
    handlers,
    dispatch: createDispatch(handlers, log),
    events: ctx.events,
    contentStore: ctx.contentStore,
    media: async (assetId) => {
      const asset = assets.find(assetId)
      return asset ? mediaFor(ctx.contentStore.pathOf(asset.sha256, asset.ext), asset.format) : null
    },
    uploadPath: (uploadId) => uploadPath(dataDir, uploadId),
    close: () => {
      // In-flight requests are aborted; their rows stay resumable for the next start.
      queue.stop()
      void ctx.tasks.close()
      void localEngine.close()
      db.close()
    },
  }
}
