// The takes list as the contract pages it: what one row shows (a summary), the filters and the
// cursor. Full takes (`Generation`) are fetched one at a time, when a row needs more.
import type { AudioFormat, Generation, GenerationStatus } from './domain'

export const TAKE_VIEWS = ['all', 'ready', 'failed', 'starred'] as const
export type TakeView = (typeof TAKE_VIEWS)[number]

/**
 * The statuses each status view shows; the store filters by them in SQL and the renderer matches
 * live updates against the same lists.
 */
export const TAKE_VIEW_STATUSES: Readonly<Partial<Record<TakeView, readonly GenerationStatus[]>>> =
  {
    ready: ['succeeded'],
    failed: ['failed', 'canceled'],
  }

export interface TakeFilter {
  view: TakeView
  /** Only takes of this prompt; null for every prompt. */
  prompt: string | null
}

/** Where a page ends in the newest-first order: the last take's creation time and id. */
export interface TakeCursor {
  createdAt: number
  id: string
}

/** What a row needs of the take's audio to draw its waveform and play it. */
export interface TakeAudio {
  assetId: string
  format: AudioFormat
  sampleRate: number
  frames: number
}

/** One row of the takes list: only what the row shows, the take's own fields as `Generation` has them. */
export interface TakeSummary extends Pick<
  Generation,
  | 'id'
  | 'provider'
  | 'seed'
  | 'status'
  | 'progress'
  | 'waitingReason'
  | 'error'
  | 'cost'
  | 'outputAssetId'
  | 'parentClipId'
  | 'parentGenerationId'
  | 'createdAt'
  | 'startedAt'
  | 'completedAt'
> {
  prompt: string
  /** The duration asked for, in seconds. */
  duration: number | null
  /** Its place in a chain of continuations: segment `segment` of `of`; null for a plain take. */
  chain: { segment: number; of: number } | null
  audio: TakeAudio | null
}

export interface TakePage {
  takes: TakeSummary[]
  /** Takes matching the filter in the whole project. */
  total: number
  /** Pass as `after` for the next page; null after the last one. */
  next: TakeCursor | null
}

/** Most takes one page may carry. */
export const MAX_TAKE_PAGE = 1000

/**
 * Newest first; takes made by one request share their creation time, so the id settles their
 * order: the same on every reload and whether a take arrived live or from the store.
 */
export function newestFirst(
  a: Pick<TakeSummary, 'createdAt' | 'id'>,
  b: Pick<TakeSummary, 'createdAt' | 'id'>,
): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
}

export function matchesFilter(
  take: Pick<TakeSummary, 'id' | 'status' | 'prompt'>,
  filter: TakeFilter,
  starred: ReadonlySet<string>,
): boolean {
  if (filter.prompt !== null && take.prompt !== filter.prompt) return false
  if (filter.view === 'all') return true
  if (filter.view === 'starred') return starred.has(take.id)
  return TAKE_VIEW_STATUSES[filter.view]?.includes(take.status) ?? false
}
