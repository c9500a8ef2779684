// Which takes the list shows and in what order: pure, so the rules are tested without a browser.
import type { Generation } from '../../../../shared/domain'

export const TAKE_VIEWS = ['all', 'ready', 'failed', 'starred'] as const
export type TakeView = (typeof TAKE_VIEWS)[number]

export const TAKE_VIEW_LABELS: Readonly<Record<TakeView, string>> = {
  all: 'All',
  ready: 'Ready',
  failed: 'Failed',
  starred: 'Starred',
}

export interface TakeFilter {
  view: TakeView
  /** Only takes of this prompt; null for every prompt. */
  prompt: string | null
}

export function promptOf(take: Generation): string {
  return typeof take.params.prompt === 'string' ? take.params.prompt : ''
}

/**
 * Newest first; takes made by one request share their creation time, so the id settles their
 * order: the same on every reload and whether a take arrived live or from the store.
 */
export function newestFirst(a: Generation, b: Generation): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
}

function matchesView(take: Generation, view: TakeView, starred: ReadonlySet<string>): boolean {
  switch (view) {
    case 'all':
      return true
    case 'ready':
      return take.status === 'succeeded'
    case 'failed':
      return take.status === 'failed' || take.status === 'canceled'
    case 'starred':
      return starred.has(take.id)
  }
}

export function filterTakes(
  takes: readonly Generation[],
  filter: TakeFilter,
  starred: ReadonlySet<string>,
): Generation[] {
  return takes.filter(
    (take) =>
      matchesView(take, filter.view, starred) &&
      (filter.prompt === null || promptOf(take) === filter.prompt),
  )
}

/** The prompts of the takes, each once, most recent first (for the prompt filter). */
export function distinctPrompts(takes: readonly Generation[]): string[] {
  return [...new Set([...takes].sort(newestFirst).map(promptOf))]
}
