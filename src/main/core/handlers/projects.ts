import type { Handlers } from '../../../shared/api'
import type { Project, ProjectDetail } from '../../../shared/domain'
import { cleanContentStore } from '../assets/store-cleanup'
import type { CoreContext } from '../context'

type ProjectHandlers = Pick<
  Handlers,
  | 'projects.list'
  | 'projects.create'
  | 'projects.get'
  | 'projects.rename'
  | 'projects.setTempo'
  | 'projects.setMasterGain'
  | 'projects.delete'
>

export function projectDetail(ctx: CoreContext, projectId: string): ProjectDetail {
  const project = ctx.projects.get(projectId)
  const allClips = ctx.clips.listByProject(projectId)
  return {
    ...project,
    tracks: ctx.tracks.listByProject(projectId).map((track) => ({
      ...track,
      clips: allClips.filter((clip) => clip.trackId === track.id),
    })),
  }
}

export function projectHandlers(ctx: CoreContext): ProjectHandlers {
  const { db, projects, events } = ctx
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
        masterGainDb: 0,
        createdAt: now,
        updatedAt: now,
      }
      db.transaction(() => projects.insert(project))
      events.emit('projects.changed', { projectId: project.id })
      return project
    },

    'projects.get': ({ projectId }) => projectDetail(ctx, projectId),

    'projects.rename': ({ projectId, name }) => {
      const project = db.transaction(() => projects.rename(projectId, name, ctx.clock()))
      events.emit('projects.changed', { projectId })
      return project
    },

    'projects.setTempo': ({ projectId, tempoBpm, timeSignature }) => {
      const meter = tempoBpm === null ? null : (timeSignature ?? [4, 4])
      const project = db.transaction(() =>
        projects.setTempo(projectId, tempoBpm, meter, ctx.clock()),
      )
      events.emit('projects.changed', { projectId })
      return project
    },

    'projects.setMasterGain': ({ projectId, masterGainDb }) => {
      const project = db.transaction(() =>
        projects.setMasterGain(projectId, masterGainDb, ctx.clock()),
      )
      events.emit('projects.changed', { projectId })
      return project
    },

    'projects.delete': ({ projectId }) => {
      db.transaction(() => projects.delete(projectId))
      events.emit('projects.changed', { projectId: null })
      // Its audio goes too, unless another project uses the same file.
      cleanContentStore(ctx)
      return null
    },
  }
}
