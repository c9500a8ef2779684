import { SvelteSet } from 'svelte/reactivity'
import type { SketchApi } from '../../../../shared/api'
import type { Generation, GenerationStatus } from '../../../../shared/domain'
import type { TakeCursor, TakeFilter, TakeSummary } from '../../../../shared/takes'
import { mediaUrl } from '../media'
import type { Notices } from './notices.svelte'
import { withChange, withPage } from './take-rows'

const ACTIVE = new Set<GenerationStatus>([
  'queued',
  'waiting_parent',
  'waiting_network',
  'submitting',
  'running',
  'downloading',
])

export function isActive(take: { status: GenerationStatus }): boolean {
  return ACTIVE.has(take.status)
}

/** Rows fetched at a time while scrolling; a jump far down fetches more at once. */
export const TAKE_PAGE = 100
const MAX_FETCH = 1000

/**
 * The open project's takes list: the rows of the current filter loaded so far (newest first, a
 * prefix of the whole list, grown a page at a time as the list scrolls), how many match in all,
 * kept current by `take.changed`.
 */
export class TakesState {
  filter = $state<TakeFilter>({ view: 'all', prompt: null })
  /** The loaded rows: immutable updates only (10,000 rows are not worth deep proxies). */
  rows = $state.raw<TakeSummary[]>([])
  /** Takes matching the filter in the whole project. */
  total = $state(0)
  /** Takes in the project, whatever the filter. */
  projectTotal = $state(0)
  /** The first page of the current filter has arrived. */
  ready = $state(false)
  prompts = $state.raw<string[]>([])
  /** Ids of the starred takes. */
  readonly starred = new SvelteSet<string>()
  /** A take that arrived new (a Generate, a re-roll): the list brings it into view. */
  arrived = $state<{ id: string } | null>(null)
  #next: TakeCursor | null = null
  /** Bumped by every new filter: answers for an older one are dropped. */
  #epoch = 0
  #fetching: Promise<void> | null = null
  #recountTimer: ReturnType<typeof setTimeout> | undefined
  readonly #unsubscribe: () => void

  constructor(
    private readonly api: SketchApi,
    private readonly notices: Notices,
    readonly projectId: string,
  ) {
    this.#unsubscribe = api.on('take.changed', ({ projectId, take }) => {
      if (projectId === this.projectId) this.#changed(take)
    })
  }

  /** Where to play a take's audio from (in browser mode a URL that soon expires). */
  mediaUrl(assetId: string): Promise<string> {
    return mediaUrl(this.api, assetId)
  }

  async load(): Promise<void> {
    const [starred, prompts] = await Promise.all([
      this.api.call('takes.starred', { projectId: this.projectId }),
      this.api.call('takes.prompts', { projectId: this.projectId }),
      this.#reset(),
    ])
    const stars = this.notices.take(starred)
    if (stars) {
      this.starred.clear()
      for (const id of stars) this.starred.add(id)
    }
    this.prompts = this.notices.take(prompts) ?? this.prompts
  }

  setFilter(filter: TakeFilter): Promise<void> {
    this.filter = filter
    return this.#reset()
  }

  /** Loads rows until the first `count` of the filtered list are here (or all of them are). */
  async ensure(count: number): Promise<void> {
    while (this.rows.length < Math.min(count, this.total) && this.#next !== null) {
      if (!this.#fetching) {
        const limit = Math.min(MAX_FETCH, Math.max(TAKE_PAGE, count - this.rows.length))
        this.#fetching = this.#fetch(this.#next, limit).finally(() => (this.#fetching = null))
      }
      const epoch = this.#epoch
      const had = this.rows.length
      await this.#fetching
      // A new filter, or a page that failed (its notice is shown): stop here.
      if (epoch !== this.#epoch || this.rows.length === had) return
    }
  }

  /** Everything about one take (its parameters), fetched when a row needs it. */
  async details(take: TakeSummary): Promise<Generation | undefined> {
    return this.notices.take(await this.api.call('generations.get', { generationId: take.id }))
  }

  async star(take: TakeSummary, starred: boolean): Promise<void> {
    const done = this.notices.take(
      await this.api.call('takes.star', { generationId: take.id, starred }),
    )
    if (!done) return
    if (done.starred) this.starred.add(take.id)
    else this.starred.delete(take.id)
    if (this.filter.view === 'starred') this.#changed(take)
  }

  async cancel(take: TakeSummary): Promise<void> {
    this.notices.take(await this.api.call('generations.cancel', { generationId: take.id }))
  }

  async retry(take: TakeSummary): Promise<void> {
    this.notices.take(await this.api.call('generations.retry', { generationId: take.id }))
  }

  async remove(take: TakeSummary): Promise<void> {
    const done = this.notices.take(
      await this.api.call('generations.delete', { generationId: take.id }),
    )
    if (done === undefined) return
    const index = this.rows.findIndex((row) => row.id === take.id)
    if (index >= 0) {
      this.rows = this.rows.toSpliced(index, 1)
      this.total = Math.max(0, this.total - 1)
    }
    this.projectTotal = Math.max(0, this.projectTotal - 1)
    this.starred.delete(take.id)
  }

  /** Same parameters (and place in a chain), a new random seed. */
  async reroll(take: TakeSummary): Promise<void> {
    this.notices.take(await this.api.call('generations.reroll', { generationId: take.id }))
  }

  /** Puts this take of a continuation on the timeline instead; later segments follow it. */
  async pick(take: TakeSummary): Promise<void> {
    this.notices.take(await this.api.call('chains.pick', { generationId: take.id }))
  }

  dispose(): void {
    this.#unsubscribe()
    clearTimeout(this.#recountTimer)
  }

  async #reset(): Promise<void> {
    const epoch = ++this.#epoch
    this.#fetching = null
    this.#next = null
    this.ready = false
    await this.#fetch(null, TAKE_PAGE)
    if (epoch === this.#epoch) this.ready = true
  }

  async #fetch(after: TakeCursor | null, limit: number): Promise<void> {
    const epoch = this.#epoch
    const { view, prompt } = this.filter
    const page = this.notices.take(
      await this.api.call('generations.list', {
        projectId: this.projectId,
        view,
        prompt,
        after,
        limit,
      }),
    )
    if (!page || epoch !== this.#epoch) return
    this.rows = withPage(this.rows, page.takes, after === null)
    this.total = page.total
    this.#next = page.next
    if (view === 'all' && prompt === null) this.projectTotal = page.total
    else if (after === null) this.#recount()
  }

  /** A take changed (or arrived): its row follows, and the counts with it. */
  #changed(take: TakeSummary): void {
    const change = withChange(
      this.rows,
      take,
      this.filter,
      this.starred,
      this.#next === null,
      isActive(take),
    )
    this.rows = change.rows
    this.total = Math.max(0, this.total + change.totalDelta)
    if (!this.prompts.includes(take.prompt)) this.prompts = [take.prompt, ...this.prompts]
    const everything = this.filter.view === 'all' && this.filter.prompt === null
    if (change.isNew && everything) this.projectTotal = this.total
    if (change.recount || (change.isNew && !everything)) this.#recount()
    if (change.isNew && change.totalDelta > 0) this.arrived = { id: take.id }
  }

  /** Fetches the counts again, once for a burst of changes. */
  #recount(): void {
    clearTimeout(this.#recountTimer)
    this.#recountTimer = setTimeout(() => {
      const epoch = this.#epoch
      const { view, prompt } = this.filter
      void Promise.all([
        this.api.call('generations.list', { projectId: this.projectId, view, prompt, limit: 1 }),
        this.api.call('generations.list', { projectId: this.projectId, limit: 1 }),
      ]).then(([filtered, all]) => {
        if (epoch !== this.#epoch) return
        if (filtered.ok) this.total = filtered.value.total
        if (all.ok) this.projectTotal = all.value.total
      })
    }, 150)
  }
}
