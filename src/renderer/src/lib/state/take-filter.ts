// The takes list's filter as the musician sees it: the views' names. Which takes match is in
// src/shared/takes.ts (the store filters by the same rules).
import type { TakeView } from '../../../../shared/takes'

export { TAKE_VIEWS, type TakeFilter, type TakeView } from '../../../../shared/takes'

export const TAKE_VIEW_LABELS: Readonly<Record<TakeView, string>> = {
  all: 'All',
  ready: 'Ready',
  failed: 'Failed',
  starred: 'Starred',
}
