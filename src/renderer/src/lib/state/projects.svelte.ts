import type { SketchApi } from '../../../../shared/api'
import type { Project } from '../../../../shared/domain'
import type { Notices } from './notices.svelte'

export class ProjectsState {
  list = $state<Project[]>([])
  loaded = $state(false)

  constructor(
    private readonly api: SketchApi,
    private readonly notices: Notices,
  ) {
    // Any edit of a project moves its "edited" time: the list follows (it lives as long as the app).
    api.on('projects.changed', () => this.#reloadSoon())
  }

  #reload: ReturnType<typeof setTimeout> | undefined

  /** One reload for a burst of changes (a drag sends many). */
  #reloadSoon(): void {
    clearTimeout(this.#reload)
    this.#reload = setTimeout(() => void this.load(), 250)
  }

  async load(): Promise<void> {
    const projects = this.notices.take(await this.api.call('projects.list', {}))
    if (projects) this.list = projects
    this.loaded = true
  }

  async create(name: string): Promise<Project | undefined> {
    const project = this.notices.take(await this.api.call('projects.create', { name }))
    if (project) await this.load()
    return project
  }

  async rename(projectId: string, name: string): Promise<boolean> {
    const project = this.notices.take(await this.api.call('projects.rename', { projectId, name }))
    if (project) await this.load()
    return project !== undefined
  }

  async remove(projectId: string): Promise<void> {
    const done = this.notices.take(await this.api.call('projects.delete', { projectId }))
    if (done !== undefined) await this.load()
  }
}
