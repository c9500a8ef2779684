import { basename } from 'node:path'
import type { Handlers, ParsedInput } from '../../../shared/api'
import type { PeaksData } from '../../../shared/domain'
import { deserializePeaks, peaksAt } from '../audio/dsp'
import { decodeAndStore, type ImportSource } from '../assets/import'
import { finishedUpload, removeUpload } from '../assets/uploads'
import { sharedBytesFromBase64 } from '../assets/shared-bytes'
import type { CoreContext } from '../context'
import { publicAsset, type AssetRecord } from '../store/assets'

type AssetHandlers = Pick<Handlers, 'assets.import' | 'assets.list' | 'assets.peaks'>

async function importSource(
  ctx: CoreContext,
  input: ParsedInput<'assets.import'>,
): Promise<ImportSource> {
  if ('data' in input) {
    return { kind: 'bytes', name: input.name, bytes: sharedBytesFromBase64(input.data) }
  }
  if ('upload' in input) {
    const path = await finishedUpload(ctx.dataDir, input.upload, input.name, input.size)
    return { kind: 'path', path, name: input.name }
  }
  const path = await ctx.files.readable(input.path)
  return { kind: 'path', path, name: basename(input.path) }
}

export function assetHandlers(ctx: CoreContext): AssetHandlers {
  const { db, projects, assets, events } = ctx
  return {
    'assets.import': async (input) => {
      projects.get(input.projectId)
      const decoded = await decodeAndStore(
        await importSource(ctx, input),
        ctx.contentStore,
        ctx.tasks,
      ).finally(() => ('upload' in input ? removeUpload(ctx.dataDir, input.upload) : undefined))
      const asset = db.transaction(() => {
        const existing = assets.findBySha(input.projectId, decoded.blob.sha256)
        if (existing) return existing
        const record: AssetRecord = {
          id: ctx.newId(),
          projectId: input.projectId,
          name: decoded.name,
          format: decoded.format,
          sampleRate: decoded.sampleRate,
          channels: decoded.channels,
          frames: decoded.frames,
          byteSize: decoded.blob.size,
          origin: 'import',
          createdAt: ctx.clock(),
          sha256: decoded.blob.sha256,
          ext: decoded.blob.ext,
        }
        assets.insert(record, decoded.peaks)
        projects.touch(input.projectId, ctx.clock())
        return record
      })
      ctx.log.info('audio imported', {
        assetId: asset.id,
        format: asset.format,
        frames: asset.frames,
        deduplicated: !decoded.blob.created,
      })
      events.emit('projects.changed', { projectId: input.projectId })
      return publicAsset(asset)
    },

    'assets.list': ({ projectId }) => {
      projects.get(projectId)
      return assets.listByProject(projectId).map(publicAsset)
    },

    'assets.peaks': ({ assetId, framesPerPeak }): PeaksData => {
      const peaks = deserializePeaks(assets.peaks(assetId))
      const level = peaksAt(peaks, framesPerPeak)
      const out = new Int16Array(level.count * 2 * peaks.channels)
      let at = 0
      for (let channel = 0; channel < peaks.channels; channel++) {
        const min = level.min[channel]!
        const max = level.max[channel]!
        for (let i = 0; i < level.count; i++) {
          out[at++] = Math.max(-32767, Math.floor(min[i]! * 32767))
          out[at++] = Math.min(32767, Math.ceil(max[i]! * 32767))
        }
      }
      return {
        assetId,
        framesPerPeak: level.framesPerPeak,
        channels: peaks.channels,
        frames: peaks.frames,
        count: level.count,
        data: Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('base64'),
      }
    },
  }
}
