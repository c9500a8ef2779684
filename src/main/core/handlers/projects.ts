import type { Handlers } from '../../../shared/api'
import type { Project } from '../../../shared/domain'
import type { CoreContext } from '../context'

type ProjectHandlers = Pick<
  Handlers,
  'projects.list' | 'projects.create' | 'projects.get' | 'projects.rename' | 'projects.delete'
>

export function projectHandlers(ctx: CoreContext): ProjectHandlers {
  const { db, projects, tracks, clips, events } = ctx
  return {
    'projects.list': () => projects.list(),

    'projects.create': ({ name, sampleRate }) => {
      const now = ctx.clock()
      const project: Project = {
        id: ctx.newId(),
        name,
        sampleRate: sampleRate ?? 48000,
        tempoBpm: null,
        timeSignature: null,
        createdAt: now,
        updatedAt: now,
      }
      db.transaction(() => projects.insert(project))
      events.emit('projects.changed', { projectId: project.id })
      return project
    },

    'projects.get': ({ projectId }) => {
      const project = projects.get(projectId)
      const allClips = clips.listByProject(projectId)
      return {
        ...project,
        tracks: tracks.listByProject(projectId).map((track) => ({
          ...track,
          clips: allClips.filter((clip) => clip.trackId === track.id),
        })),
      }
    },

    'projects.rename': ({ projectId, name }) => {
      const project = db.transaction(() => projects.rename(projectId, name, ctx.clock()))
      events.emit('projects.changed', { projectId })
      return project
    },

    'projects.delete': ({ projectId }) => {
      db.transaction(() => projects.delete(projectId))
      events.emit('projects.changed', { projectId: null })
      return null
    },
  }
}
