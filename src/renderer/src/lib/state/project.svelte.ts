import type { SketchApi } from '../../../../shared/api'
import { fail } from '../../../../shared/result'
import type { Asset, ExportResult, ProjectDetail, Track } from '../../../../shared/domain'
import { framesAtRate } from '../../../../shared/timeline'
import type { Notices } from './notices.svelte'

type TrackChanges = Partial<Pick<Track, 'name' | 'gainDb' | 'mute' | 'solo' | 'position'>>

export interface ImportItem {
  id: number
  name: string
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
  overwrite: boolean
}

/** The open project: its tracks, clips and assets, reloaded whenever main says it changed. */
export class ProjectState {
  detail = $state<ProjectDetail | null>(null)
  assets = $state<Asset[]>([])
  missing = $state(false)
  imports = $state<ImportItem[]>([])
  exportProgress = $state<number | null>(null)
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
    const [result, assets] = await Promise.all([
      this.api.call('projects.get', { projectId: this.projectId }),
      this.api.call('assets.list', { projectId: this.projectId }),
    ])
    if (result.ok) this.detail = result.value
    else if (result.error.code === 'not_found') this.missing = true
    else this.notices.error(result.error)
    if (assets.ok) this.assets = assets.value
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
      const trackId = target.trackId ?? (await this.addTrack(file.name.replace(/\.[^.]+$/, '')))?.id
      if (!trackId) {
        this.#setImport(item.id, 'failed')
        continue
      }
      const clip = this.notices.take(
        await this.api.call('clips.create', { trackId, assetId: asset.id, start }),
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
    this.notices.take(await this.api.call('clips.create', { trackId, assetId, start }))
    await this.load()
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

  /** The files written, 'canceled' when cancelExport stopped it, undefined on an error (noticed). */
  async exportStems(options: ExportOptions): Promise<ExportResult | 'canceled' | undefined> {
    this.exportProgress = 0
    const result = await this.api.call('export.stems', { projectId: this.projectId, ...options })
    this.exportProgress = null
    if (result.ok) return result.value
    if (result.error.code === 'canceled') return 'canceled'
    this.notices.error(result.error)
    return undefined
  }

  /** Stops this project's running export, which then answers 'canceled'. */
  async cancelExport(): Promise<void> {
    this.notices.take(await this.api.call('export.cancel', { projectId: this.projectId }))
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe()
  }
}
