import type { Handlers } from '../../../shared/api'
import type { CoreContext } from '../context'

type TrackHandlers = Pick<Handlers, 'tracks.create' | 'tracks.update' | 'tracks.delete'>

export function trackHandlers(ctx: CoreContext): TrackHandlers {
  const { db, projects, tracks, events } = ctx
  return {
    'tracks.create': ({ projectId, name }) => {
      const track = db.transaction(() => {
        projects.get(projectId)
        const position = tracks.count(projectId)
        const created = {
          id: ctx.newId(),
          projectId,
          name: name ?? `Track ${position + 1}`,
          position,
          gainDb: 0,
          mute: false,
          solo: false,
        }
        tracks.insert(created)
        projects.touch(projectId, ctx.clock())
        return created
      })
      events.emit('projects.changed', { projectId })
      return track
    },

    'tracks.update': ({ trackId, position, ...changes }) => {
      const track = db.transaction(() => {
        tracks.update(trackId, changes)
        if (position !== undefined) tracks.move(trackId, position)
        const updated = tracks.get(trackId)
        projects.touch(updated.projectId, ctx.clock())
        return updated
      })
      events.emit('projects.changed', { projectId: track.projectId })
      return track
    },

    'tracks.delete': ({ trackId }) => {
      const track = db.transaction(() => {
        const removed = tracks.delete(trackId)
        projects.touch(removed.projectId, ctx.clock())
        return removed
      })
      events.emit('projects.changed', { projectId: track.projectId })
      return null
    },
  }
}
