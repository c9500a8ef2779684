// Dragging a take or a clip out of the window as a WAV file: the WAV is a stored asset, so both
// shells can hand it over (Electron's startDrag by path, browser mode's DownloadURL by media URL).
import { linkSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Handlers } from '../../../shared/api'
import type { Clip, DragOutFile } from '../../../shared/domain'
import { computePeaks, renderTrack, serializePeaks, type PcmAudio } from '../audio/dsp'
import { encodeWav } from '../audio/formats/wav'
import type { CoreContext } from '../context'
import { openAssetSource } from '../export/asset-source'
import { safeFileName } from '../export/file-names'
import type { AssetRecord } from '../store/assets'

type DragOutHandlers = Pick<Handlers, 'assets.dragOut' | 'app.startDrag'>

/** The shell's native drag of a file (Electron's `webContents.startDrag`); absent in browser mode. */
export type StartDrag = (path: string) => void

const baseName = (name: string) => name.replace(/\.[^.]+$/, '')

export function dragOutHandlers(
  ctx: CoreContext,
  startDrag: StartDrag | undefined,
): DragOutHandlers {
  /** Stores rendered audio as a WAV asset of the project ('render': never offered as a melody). */
  function storeWav(projectId: string, name: string, audio: PcmAudio): Promise<AssetRecord> {
    const bytes = encodeWav(audio, { format: 'float32' })
    return ctx.contentStore.putBytes(bytes, 'wav').then((blob) => {
      const existing = ctx.assets.findBySha(projectId, blob.sha256)
      if (existing) return existing
      const asset: AssetRecord = {
        id: ctx.newId(),
        projectId,
        name,
        format: 'wav',
        sampleRate: audio.sampleRate,
        channels: audio.channels.length,
        frames: audio.channels[0]?.length ?? 0,
        byteSize: blob.size,
        origin: 'render',
        createdAt: ctx.clock(),
        sha256: blob.sha256,
        ext: blob.ext,
      }
      ctx.db.transaction(() => ctx.assets.insert(asset, serializePeaks(computePeaks(audio))))
      return asset
    })
  }

  async function decodeWhole(asset: AssetRecord): Promise<PcmAudio> {
    const source = await openAssetSource(
      ctx.contentStore.pathOf(asset.sha256, asset.ext),
      asset.format,
    )
    try {
      return { sampleRate: asset.sampleRate, channels: source.reader.read(0, asset.frames) }
    } finally {
      source.close()
    }
  }

  /** The clip as the timeline plays it (its gain and fades, at the project rate), track gain aside. */
  async function renderClip(clip: Clip): Promise<DragOutFile> {
    const track = ctx.tracks.get(clip.trackId)
    const project = ctx.projects.get(track.projectId)
    const asset = ctx.assets.get(clip.assetId)
    const source = await openAssetSource(
      ctx.contentStore.pathOf(asset.sha256, asset.ext),
      asset.format,
    )
    let channels: Float32Array[]
    try {
      const [left, right] = renderTrack(
        project.sampleRate,
        {
          gainDb: 0,
          mute: false,
          solo: false,
          clips: [{ ...clip, start: 0, source: source.reader }],
        },
        0,
        clip.length,
      )
      channels = asset.channels === 1 ? [left] : [left, right]
    } finally {
      source.close()
    }
    const name = `${safeFileName(`${project.name} - ${baseName(asset.name)}`)}.wav`
    const stored = await storeWav(project.id, name, { sampleRate: project.sampleRate, channels })
    return { assetId: stored.id, fileName: name }
  }

  return {
    'assets.dragOut': async (input) => {
      if ('clipId' in input) return renderClip(ctx.clips.get(input.clipId))
      const asset = ctx.assets.get(input.assetId)
      const fileName = `${safeFileName(baseName(asset.name))}.wav`
      if (asset.format === 'wav') return { assetId: asset.id, fileName }
      const stored = await storeWav(asset.projectId, fileName, await decodeWhole(asset))
      return { assetId: stored.id, fileName }
    },

    'app.startDrag': ({ assetId, fileName }) => {
      if (!startDrag) return { started: false }
      const asset = ctx.assets.get(assetId)
      // A hard link under the name the musician sees; the store's own name is its hash.
      const dir = join(ctx.dataDir, 'drag-out', asset.id)
      const path = join(dir, safeFileName(fileName))
      rmSync(dir, { recursive: true, force: true })
      mkdirSync(dir, { recursive: true })
      linkSync(ctx.contentStore.pathOf(asset.sha256, asset.ext), path)
      startDrag(path)
      return { started: true }
    },
  }
}
