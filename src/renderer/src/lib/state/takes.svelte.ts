import type { SketchApi } from '../../../../shared/api'
import { mediaUrl } from '../media'
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

  /** Where to play a take's audio from (in browser mode a URL that soon expires). */
  mediaUrl(assetId: string): Promise<string> {
    return mediaUrl(this.api, assetId)
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

  /** Same parameters (and place in a chain), a new random seed. */
  async reroll(take: Generation): Promise<void> {
    this.notices.take(await this.api.call('generations.reroll', { generationId: take.id }))
  }

  /** Puts this take of a continuation on the timeline instead; later segments follow it. */
  async pick(take: Generation): Promise<void> {
    this.notices.take(await this.api.call('chains.pick', { generationId: take.id }))
  }

  /** "segment 2 of 3" for a take of a chain, null for a plain take. */
  chainPosition(take: Generation): string | null {
    if (!take.parentClipId && !take.parentGenerationId) return null
    let index = 1
    for (let at = take; at.parentGenerationId; index++) {
      const parent = this.list.find((candidate) => candidate.id === at.parentGenerationId)
      if (!parent) break
      at = parent
    }
    let total = index
    for (let at = take; ; total++) {
      const next = this.list.find((candidate) => candidate.parentGenerationId === at.id)
      if (!next) break
      at = next
    }
    return total > 1 ? `segment ${index} of ${total}` : 'continuation'
  }

  dispose(): void {
    this.#unsubscribe()
  }
}
