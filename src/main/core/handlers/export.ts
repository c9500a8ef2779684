import type { Handlers } from '../../../shared/api'
import type { ProjectDetail } from '../../../shared/domain'
import { AppError } from '../app-error'
import type { CoreContext } from '../context'
import { singleFileName } from '../export/file-names'
import { exportStems, type StemsRequest } from '../export/stems'
import { exportDirectory } from './export-directory'
import type { AssetRecord } from '../store/assets'

type ExportHandlers = Pick<Handlers, 'export.stems' | 'export.clip' | 'export.cancel'>

export function exportHandlers(
  ctx: CoreContext,
  projectDetail: (projectId: string) => ProjectDetail,
): ExportHandlers {
  const { assets, clips, tracks, events } = ctx

  function assetFiles(projectId: string): Map<string, AssetRecord & { path: string }> {
    return new Map(
      assets
        .listByProject(projectId)
        .map((asset) => [
          asset.id,
          { ...asset, path: ctx.contentStore.pathOf(asset.sha256, asset.ext) },
        ]),
    )
  }

  /** The running export of each project, to cancel it; one at a time per project. */
  const running = new Map<string, AbortController>()

  /**
   * Runs an export of `project` (its own state, or a part of it as `rendered`) with what every
   * export needs: its files, takes, progress events, the task runner and a cancel signal.
   */
  async function runExport(
    project: ProjectDetail,
    request: Omit<StemsRequest, 'assets' | 'takes' | 'onProgress' | 'tasks' | 'now' | 'signal'> & {
      createDirectory: boolean
    },
  ) {
    if (running.has(project.id)) {
      throw new AppError('conflict', 'an export of this project is already running')
    }
    const { createDirectory, ...rest } = request
    // Confined first (browser mode), created only once allowed.
    const allowed = await ctx.files.writableFolder(exportDirectory(request.directory, false))
    const directory = exportDirectory(allowed, createDirectory)
    const controller = new AbortController()
    running.set(project.id, controller)
    try {
      return await exportStems({
        ...rest,
        directory,
        assets: assetFiles(project.id),
        takes: ctx.generations.outputsByAsset(project.id),
        onProgress: (done, total) =>
          events.emit('export.progress', { projectId: project.id, done, total }),
        tasks: ctx.tasks,
        now: ctx.clock(),
        signal: controller.signal,
      })
    } finally {
      running.delete(project.id)
    }
  }

  return {
    'export.stems': async (input) => {
      const project = projectDetail(input.projectId)
      const result = await runExport(project, { ...input, project })
      ctx.log.info('stems exported', { projectId: project.id, files: result.files.length })
      return result
    },

    'export.clip': (input) => {
      const clip = clips.get(input.clipId)
      const track = tracks.get(clip.trackId)
      const project = projectDetail(track.projectId)
      const asset = assets.get(clip.assetId)
      const alone: ProjectDetail = {
        ...project,
        tracks: [{ ...track, gainDb: 0, mute: false, solo: false, clips: [{ ...clip, start: 0 }] }],
      }
      const baseName = asset.name.replace(/\.[^.]+$/, '')
      return runExport(project, {
        ...input,
        project: alone,
        includeMix: false,
        protection: 'none',
        singleFileName: singleFileName(project.name, baseName, input.format),
      })
    },

    'export.cancel': ({ projectId }) => {
      const controller = running.get(projectId)
      controller?.abort(new AppError('canceled', 'the export was canceled: nothing was written'))
      return { canceled: controller !== undefined }
    },
  }
}
