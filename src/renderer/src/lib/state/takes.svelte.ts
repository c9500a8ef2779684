import type { SketchApi } from '../../../../shared/api'
import type { Generation } from '../../../../shared/domain'
import type { Notices } from './notices.svelte'

const ACTIVE = new Set([
  'queued',
  'waiting_parent',
  'waiting_network',
  'submitting',
  'running',
  'downloading',
])

export function isActive(take: Generation): boolean {
  return ACTIVE.has(take.status)
}

/** Every take of the open project, newest first, kept current by `generation.updated`. */
export class TakesState {
  list = $state<Generation[]>([])
  readonly #unsubscribe: () => void

  constructor(
    private readonly api: SketchApi,
    private readonly notices: Notices,
    readonly projectId: string,
  ) {
    this.#unsubscribe = api.on('generation.updated', (take) => {
      if (take.projectId !== this.projectId) return
      const index = this.list.findIndex((existing) => existing.id === take.id)
      if (index === -1) this.list = [take, ...this.list]
      else this.list[index] = take
    })
  }

  async load(): Promise<void> {
    const takes = this.notices.take(
      await this.api.call('generations.list', { projectId: this.projectId }),
    )
    if (takes) this.list = [...takes].sort((a, b) => b.createdAt - a.createdAt)
  }

  async cancel(take: Generation): Promise<void> {
    this.notices.take(await this.api.call('generations.cancel', { generationId: take.id }))
  }

  async retry(take: Generation): Promise<void> {
    this.notices.take(await this.api.call('generations.retry', { generationId: take.id }))
  }

  async remove(take: Generation): Promise<void> {
    const done = this.notices.take(
      await this.api.call('generations.delete', { generationId: take.id }),
    )
    if (done !== undefined) this.list = this.list.filter((existing) => existing.id !== take.id)
  }

  /** Same parameters, a new random seed. */
  async reroll(take: Generation): Promise<void> {
    this.notices.take(
      await this.api.call('generations.create', {
        projectId: take.projectId,
        provider: take.provider,
        params: { ...take.params, seed: null },
        ...(take.trackId ? { trackId: take.trackId } : {}),
      }),
    )
  }

  dispose(): void {
    this.#unsubscribe()
  }
}
