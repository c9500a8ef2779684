import { resolve } from 'node:path'
import type { Handlers } from '../../../shared/api'
import type { ProjectDetail } from '../../../shared/domain'
import { AppError } from '../app-error'
import type { CoreContext } from '../context'
import { safeFileName } from '../export/file-names'
import { exportStems, type StemsRequest, type TakeSummary } from '../export/stems'
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

  function takes(projectId: string): Map<string, TakeSummary> {
    const rows = ctx.db
      .statement(
        `SELECT output_asset_id, provider, seed, params FROM generations
         WHERE project_id = ? AND output_asset_id IS NOT NULL`,
      )
      .all(projectId) as {
      output_asset_id: string
      provider: string
      seed: number | null
      params: string
    }[]
    return new Map(
      rows.map((row) => [
        row.output_asset_id,
        { provider: row.provider, seed: row.seed, params: JSON.parse(row.params) as unknown },
      ]),
    )
  }

  const progress = (projectId: string) => (done: number, total: number) =>
    events.emit('export.progress', { projectId, done, total })

  /** The running export of each project, to cancel it; one at a time per project. */
  const running = new Map<string, AbortController>()
  async function exclusive<T>(projectId: string, run: (signal: AbortSignal) => Promise<T>) {
    if (running.has(projectId)) {
      throw new AppError('conflict', 'an export of this project is already running')
    }
    const controller = new AbortController()
    running.set(projectId, controller)
    try {
      return await run(controller.signal)
    } finally {
      running.delete(projectId)
    }
  }

  return {
    'export.stems': async (input) => {
      const project = projectDetail(input.projectId)
      return exclusive(project.id, async (signal) => {
        const request: StemsRequest = {
          ...input,
          directory: resolve(input.directory),
          project,
          assets: assetFiles(project.id),
          takes: takes(project.id),
          onProgress: progress(project.id),
          tasks: ctx.tasks,
          now: ctx.clock(),
          signal,
        }
        const result = await exportStems(request)
        ctx.log.info('stems exported', { projectId: project.id, files: result.files.length })
        return result
      })
    },

    'export.clip': async (input) => {
      const clip = clips.get(input.clipId)
      const track = tracks.get(clip.trackId)
      const project = projectDetail(track.projectId)
      const asset = assets.get(clip.assetId)
      const alone: ProjectDetail = {
        ...project,
        tracks: [{ ...track, gainDb: 0, mute: false, solo: false, clips: [{ ...clip, start: 0 }] }],
      }
      const baseName = asset.name.replace(/\.[^.]+$/, '')
      return exclusive(project.id, (signal) =>
        exportStems({
          ...input,
          directory: resolve(input.directory),
          project: alone,
          includeMix: false,
          singleFileName: `${safeFileName(`${project.name} - ${baseName}`)}.${input.format}`,
          assets: assetFiles(project.id),
          takes: takes(project.id),
          onProgress: progress(project.id),
          tasks: ctx.tasks,
          now: ctx.clock(),
          signal,
        }),
      )
    },

    'export.cancel': ({ projectId }) => {
      const controller = running.get(projectId)
      controller?.abort(new AppError('canceled', 'the export was canceled: nothing was written'))
      return { canceled: controller !== undefined }
    },
  }
}
