import type { Handlers } from '../../../shared/api'
import type { Command } from '../../../shared/undo'
import type { CoreContext } from '../context'
import type { TimelineHistory } from '../history/timeline-history'
import type { ProjectStateTable } from '../store/project-state'

type HistoryHandlers = Pick<
  Handlers,
  | 'timeline.edit'
  | 'timeline.undo'
  | 'timeline.redo'
  | 'timeline.history'
  | 'drafts.get'
  | 'drafts.set'
>

export function historyHandlers(
  ctx: CoreContext,
  history: TimelineHistory,
  drafts: ProjectStateTable,
): HistoryHandlers {
  return {
    // The patches were checked for shape; each is checked against its method when applied.
    'timeline.edit': ({ projectId, command }) => ({
      ids: Object.fromEntries(history.apply(projectId, command as Command)),
    }),
    'timeline.undo': ({ projectId }) => history.undo(projectId),
    'timeline.redo': ({ projectId }) => history.redo(projectId),
    'timeline.history': ({ projectId }) => {
      ctx.projects.get(projectId)
      return history.state(projectId)
    },
    'drafts.get': ({ projectId }) => {
      ctx.projects.get(projectId)
      return drafts.get(projectId) as Record<string, unknown> | null
    },
    'drafts.set': ({ projectId, draft }) => {
      ctx.db.transaction(() => {
        ctx.projects.get(projectId)
        drafts.set(projectId, draft, ctx.clock())
      })
      return null
    },
  }
}
