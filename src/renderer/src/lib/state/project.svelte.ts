import type { SketchApi } from '../../../../shared/api'
import type { ProjectDetail, Track } from '../../../../shared/domain'
import type { Notices } from './notices.svelte'

type TrackChanges = Partial<Pick<Track, 'name' | 'gainDb' | 'mute' | 'solo' | 'position'>>

/** The open project: its tracks and clips, reloaded whenever main says it changed. */
export class ProjectState {
  detail = $state<ProjectDetail | null>(null)
  missing = $state(false)
  readonly #unsubscribe: () => void

  constructor(
    private readonly api: SketchApi,
    private readonly notices: Notices,
    readonly projectId: string,
  ) {
    this.#unsubscribe = api.on('projects.changed', ({ projectId }) => {
      if (projectId === this.projectId) void this.load()
    })
  }

  async load(): Promise<void> {
    const result = await this.api.call('projects.get', { projectId: this.projectId })
    if (result.ok) this.detail = result.value
    else if (result.error.code === 'not_found') this.missing = true
    else this.notices.error(result.error)
  }

  async addTrack(): Promise<void> {
    this.notices.take(await this.api.call('tracks.create', { projectId: this.projectId }))
    await this.load()
  }

  async updateTrack(trackId: string, changes: TrackChanges): Promise<void> {
    this.notices.take(await this.api.call('tracks.update', { trackId, ...changes }))
    await this.load()
  }

  async removeTrack(trackId: string): Promise<void> {
    this.notices.take(await this.api.call('tracks.delete', { trackId }))
    await this.load()
  }

  dispose(): void {
    this.#unsubscribe()
  }
}
