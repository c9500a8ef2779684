import type { Handlers } from '../../../shared/api'
import type { Clip } from '../../../shared/domain'
import { clipBoundsProblem, framesAtRate } from '../../../shared/timeline'
import { AppError } from '../app-error'
import type { CoreContext } from '../context'

type ClipHandlers = Pick<Handlers, 'clips.create' | 'clips.update' | 'clips.delete'>

export function clipHandlers(ctx: CoreContext): ClipHandlers {
  const { db, projects, tracks, clips, assets, events } = ctx

  /** Checks the clip against its track's project and its asset; returns the project id. */
  function checkClip(clip: Clip): string {
    const track = tracks.get(clip.trackId)
    const asset = assets.get(clip.assetId)
    if (asset.projectId !== track.projectId) {
      throw new AppError('invalid_input', 'the audio belongs to another project', 'assetId')
    }
    const project = projects.get(track.projectId)
    const assetLength = framesAtRate(asset.frames, asset.sampleRate, project.sampleRate)
    const problem = clipBoundsProblem(clip, assetLength)
    if (problem) throw new AppError('invalid_input', problem.message, problem.field)
    return project.id
  }

  return {
    'clips.create': (input) => {
      const clip = db.transaction(() => {
        const track = tracks.get(input.trackId)
        const asset = assets.get(input.assetId)
        const project = projects.get(track.projectId)
        const offset = input.offset ?? 0
        const assetLength = framesAtRate(asset.frames, asset.sampleRate, project.sampleRate)
        const created: Clip = {
          id: ctx.newId(),
          trackId: input.trackId,
          assetId: input.assetId,
          start: input.start,
          offset,
          length: input.length ?? Math.max(0, assetLength - offset),
          gainDb: input.gainDb ?? 0,
          fadeIn: input.fadeIn ?? 0,
          fadeOut: input.fadeOut ?? 0,
        }
        checkClip(created)
        clips.insert(created, ctx.clock())
        projects.touch(project.id, ctx.clock())
        return created
      })
      events.emit('projects.changed', { projectId: tracks.get(clip.trackId).projectId })
      return clip
    },

    'clips.update': ({ clipId, ...changes }) => {
      const { clip, projectId } = db.transaction(() => {
        const current = clips.get(clipId)
        const defined = Object.fromEntries(
          Object.entries(changes).filter(([, value]) => value !== undefined),
        ) as Partial<Clip>
        const updated: Clip = { ...current, ...defined }
        const projectId = checkClip(updated)
        if (tracks.get(current.trackId).projectId !== projectId) {
          throw new AppError('invalid_input', 'a clip cannot move to another project', 'trackId')
        }
        clips.update(updated)
        projects.touch(projectId, ctx.clock())
        return { clip: updated, projectId }
      })
      events.emit('projects.changed', { projectId })
      return clip
    },

    'clips.delete': ({ clipId }) => {
      const projectId = db.transaction(() => {
        const clip = clips.get(clipId)
        const { projectId: owner } = tracks.get(clip.trackId)
        clips.delete(clipId)
        projects.touch(owner, ctx.clock())
        return owner
      })
      events.emit('projects.changed', { projectId })
      return null
    },
  }
}
