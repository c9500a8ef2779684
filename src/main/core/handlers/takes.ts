import type { Handlers } from '../../../shared/api'
import { notFound } from '../app-error'
import type { CoreContext } from '../context'
import type { TakeStarsTable } from '../store/take-stars'

type TakeHandlers = Pick<Handlers, 'takes.starred' | 'takes.star'>

/** What the musician marks on takes (stars), apart from the generation queue. */
export function takeHandlers(ctx: CoreContext, stars: TakeStarsTable): TakeHandlers {
  return {
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
