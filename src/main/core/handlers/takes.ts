import type { Handlers } from '../../../shared/api'
import { notFound } from '../app-error'
import type { CoreContext } from '../context'
import type { TakePages } from '../store/take-pages'
import type { TakeStarsTable } from '../store/take-stars'

type TakeHandlers = Pick<
  Handlers,
  'generations.list' | 'takes.prompts' | 'takes.starred' | 'takes.star'
>

/** Prompts the list's filter offers; more would not fit a menu anyone reads. */
const MAX_PROMPTS = 500

/** The takes list (read a page at a time) and what the musician marks on takes (stars). */
export function takeHandlers(
  ctx: CoreContext,
  stars: TakeStarsTable,
  pages: TakePages,
): TakeHandlers {
  return {
    'generations.list': ({ projectId, view, prompt, after, limit }) => {
      ctx.projects.get(projectId)
      return pages.page({ projectId, filter: { view, prompt }, after, limit })
    },
    'takes.prompts': ({ projectId }) => {
      ctx.projects.get(projectId)
      return pages.prompts(projectId, MAX_PROMPTS)
    },
    'takes.starred': ({ projectId }) => {
      ctx.projects.get(projectId)
      return stars.listByProject(projectId)
    },
    'takes.star': ({ generationId, starred }) => {
      const projectId = ctx.generations.projectIdOf(generationId)
      if (projectId === undefined) throw notFound('Take', generationId)
      stars.set(projectId, generationId, starred, ctx.clock())
      return { generationId, starred }
    },
  }
}

/** Follows every `generation.updated` with the row the takes list shows for it. */
export function relayTakeChanges(ctx: CoreContext, pages: TakePages): () => void {
  return ctx.events.onAny((event, payload) => {
    if (event !== 'generation.updated') return
    const { id, projectId } = payload as { id: string; projectId: string }
    const take = pages.summary(id)
    if (take) ctx.events.emit('take.changed', { projectId, take })
  })
}
