import type { SketchApi } from '../../../../shared/api'
import { fail, type ApiError } from '../../../../shared/result'
import type {
  Asset,
  Clip,
  ExportResult,
  MixProtection,
  ProjectDetail,
  Track,
} from '../../../../shared/domain'
import {
  placeClips,
  placeOnNewTrack,
  type PlacementReason,
  type PlacementResult,
} from '../../../../shared/placement'
import { framesAtRate } from '../../../../shared/timeline'
import type { Command, HistoryState } from '../../../../shared/undo'
import type { Notices } from './notices.svelte'

/** What a track's header changes: each one undo step (see timeline/state/edits.svelte.ts). */
export type TrackChanges = Partial<Pick<Track, 'name' | 'gainDb' | 'mute' | 'solo' | 'position'>>

export interface ImportItem {
  id: number
  name: string
  /** The dropped file itself: it can be auditioned before it lands. */
  file: File
  status: 'waiting' | 'importing' | 'done' | 'failed'
  /** While a dropped file is sent to browser mode's host: the fraction sent. */
  sent?: number
}

export interface DropTarget {
  trackId: string | null
  start: number
}

export interface ExportOptions {
  directory: string
  format: 'wav' | 'flac'
  bitDepth: 16 | 24 | 32
  sampleRate: 44100 | 48000
  includeMix: boolean
  protection: MixProtection
  overwrite: boolean
  createDirectory: boolean
}

/** The open project: its tracks, clips and assets, reloaded whenever main says it changed. */
export class ProjectState {
  // Replaced whole on every load, never changed in place: not made deeply reactive, so that a
  // reload of thousands of clips costs no proxy per clip and field read.
  detail = $state.raw<ProjectDetail | null>(null)
  assets = $state.raw<Asset[]>([])
  missing = $state(false)
  imports = $state<ImportItem[]>([])
  exportProgress = $state<number | null>(null)
  /** What undo and redo would do (the history is kept per project in main). */
  history = $state<HistoryState>({ undoLabel: null, redoLabel: null })
  #nextImport = 1
  readonly #unsubscribe: (() => void)[]

  constructor(
    private readonly api: SketchApi,
    private readonly notices: Notices,
    readonly projectId: string,
  ) {
    this.#unsubscribe = [
      api.on('projects.changed', ({ projectId }) => {
        if (projectId === this.projectId) void this.load()
      }),
      api.on('export.progress', ({ projectId, done, total }) => {
        if (projectId === this.projectId) this.exportProgress = total > 0 ? done / total : null
      }),
    ]
  }

  assetById(assetId: string): Asset | undefined {
    return this.assets.find((asset) => asset.id === assetId)
  }

  async load(): Promise<void> {
    const [result, assets, history] = await Promise.all([
      this.api.call('projects.get', { projectId: this.projectId }),
      this.api.call('assets.list', { projectId: this.projectId }),
      this.api.call('timeline.history', { projectId: this.projectId }),
    ])
    if (result.ok) this.detail = result.value
    else if (result.error.code === 'not_found') this.missing = true
    else this.notices.error(result.error)
    if (assets.ok) this.assets = assets.value
    if (history.ok) this.history = history.value
  }

  /**
   * Applies one undo step of the timeline through main, which records it in the project's
   * history; answers the id each temporary id became, or null on an error (shown).
   */
  async edit(command: Command): Promise<Readonly<Record<string, string>> | null> {
    const result = await this.api.call('timeline.edit', {
      projectId: this.projectId,
      command,
    })
    await this.load()
    if (result.ok) return result.value.ids
    this.notices.error(result.error)
    return null
  }

  async undo(): Promise<void> {
    this.notices.take(await this.api.call('timeline.undo', { projectId: this.projectId }))
    await this.load()
  }

  async redo(): Promise<void> {
    this.notices.take(await this.api.call('timeline.redo', { projectId: this.projectId }))
    await this.load()
  }

  /** Plans new clips with the one placement rule: where they belong, or on a lane below. */
  plan(clips: Clip[], reason: PlacementReason, label: string): PlacementResult | null {
    if (!this.detail) return null
    return placeClips({
      projectId: this.projectId,
      tracks: this.detail.tracks,
      clips,
      reason,
      label,
    })
  }

  /** A new clip of a whole asset (temporary id) at `start` on `trackId`. */
  #wholeClip(asset: Asset, trackId: string, start: number): Clip {
    return {
      id: `pending-${asset.id}`,
      trackId,
      assetId: asset.id,
      start,
      offset: 0,
      length: this.assetLength(asset),
      gainDb: 0,
      fadeIn: 0,
      fadeOut: 0,
    }
  }

  /** Places a whole asset as one undo step; answers the new clip, or undefined (shown). */
  async #placeWhole(
    asset: Asset,
    trackId: string | null,
    start: number,
    reason: PlacementReason,
    label: string,
  ): Promise<Clip | undefined> {
    const clip = this.#wholeClip(asset, trackId ?? '', start)
    const planned = trackId
      ? this.plan([clip], reason, label)
      : placeOnNewTrack(this.projectId, asset.name.replace(/\.[^.]+$/, ''), clip, label)
    if (!planned) return undefined
    const ids = await this.edit(planned.command)
    const id = ids?.[clip.id]
    return id ? { ...planned.placed[0]!, id } : undefined
  }

  async addTrack(name?: string): Promise<Track | undefined> {
    const track = this.notices.take(
      await this.api.call(
        'tracks.create',
        name ? { projectId: this.projectId, name } : { projectId: this.projectId },
      ),
    )
    await this.load()
    return track
  }

  async updateTrack(trackId: string, changes: TrackChanges): Promise<void> {
    this.notices.take(await this.api.call('tracks.update', { trackId, ...changes }))
    await this.load()
  }

  /**
   * Imports dropped files one after another and places them in a row from the drop point, on the
   * track under the pointer or on a new track per file.
   */
  async importFiles(files: File[], target: DropTarget): Promise<void> {
    const items = files.map((file) => ({
      id: this.#nextImport++,
      name: file.name,
      file,
      status: 'waiting' as const,
    }))
    this.imports = [...this.imports, ...items]
    let start = target.start
    for (const [index, file] of files.entries()) {
      const item = items[index]!
      this.#setImport(item.id, 'importing')
      const asset = await this.#importOne(file, (sent) => this.#setSent(item.id, sent))
      if (!asset || !this.detail) {
        this.#setImport(item.id, 'failed')
        continue
      }
      const clip = await this.#placeWhole(
        { ...asset, name: file.name },
        target.trackId,
        start,
        'import',
        `Import ${file.name}`,
      )
      this.#setImport(item.id, clip ? 'done' : 'failed')
      if (clip && target.trackId) start = clip.start + clip.length
    }
    await this.load()
    setTimeout(() => {
      const finished = items.map((item) => item.id)
      this.imports = this.imports.filter(
        (item) => !finished.includes(item.id) || item.status === 'importing',
      )
    }, 2500)
  }

  /** Places an asset already in the project (a take) as a clip at `start` on a track. */
  async placeAsset(trackId: string, assetId: string, start: number): Promise<void> {
    if (!this.assetById(assetId)) await this.load()
    const asset = this.assetById(assetId)
    if (!asset) {
      this.notices.info('That take is no longer in the project.')
      return
    }
    await this.#placeWhole(asset, trackId, start, 'take', 'Place take')
  }

  /** Imports a file as an asset of the project without placing it (e.g. a melody reference). */
  async importAsset(file: File): Promise<Asset | undefined> {
    const asset = await this.#importOne(file)
    if (asset) await this.load()
    return asset
  }

  async #importOne(file: File, sent?: (fraction: number) => void): Promise<Asset | undefined> {
    const path = this.api.pathForFile?.(file)
    if (path)
      return this.notices.take(
        await this.api.call('assets.import', { projectId: this.projectId, path }),
      )
    // Browser mode: the file goes by upload, in chunks, whatever its size.
    const upload = this.notices.take(
      (await this.api.upload?.(file, sent)) ?? fail('internal', 'this window cannot send files'),
    )
    if (upload === undefined) return undefined
    const input = { projectId: this.projectId, name: file.name, upload, size: file.size }
    return this.notices.take(await this.api.call('assets.import', input))
  }

  #setSent(id: number, sent: number): void {
    this.imports = this.imports.map((item) => (item.id === id ? { ...item, sent } : item))
  }

  #setImport(id: number, status: ImportItem['status']): void {
    this.imports = this.imports.map((item) => (item.id === id ? { ...item, status } : item))
  }

  /** Length of an asset in project samples. */
  assetLength(asset: Asset): number {
    return framesAtRate(asset.frames, asset.sampleRate, this.detail?.sampleRate ?? 48000)
  }

  /** The files written, 'canceled' when cancelExport stopped it, or the error (also noticed). */
  async exportStems(options: ExportOptions): Promise<ExportResult | 'canceled' | ApiError> {
    this.exportProgress = 0
    const result = await this.api.call('export.stems', { projectId: this.projectId, ...options })
    this.exportProgress = null
    if (result.ok) {
      this.notices.clear('export')
      return result.value
    }
    if (result.error.code === 'canceled') return 'canceled'
    this.notices.error(result.error, 'export')
    return result.error
  }

  /** Stops this project's running export, which then answers 'canceled'. */
  async cancelExport(): Promise<void> {
    this.notices.take(await this.api.call('export.cancel', { projectId: this.projectId }))
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe()
  }
}
