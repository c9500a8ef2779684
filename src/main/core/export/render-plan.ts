import type { Clip, Project, TrackWithClips } from '../../../shared/domain'
import { framesAtRate } from '../../../shared/timeline'
import type { RenderTrack } from '../audio/render'
import type { AssetSource } from './asset-source'

/** Converts a clip's project-rate positions to the output rate. */
export function clipAtRate(clip: Clip, projectRate: number, outRate: number): Clip {
  if (projectRate === outRate) return clip
  const at = (n: number) => framesAtRate(n, projectRate, outRate)
  const start = at(clip.start)
  const end = at(clip.start + clip.length)
  return {
    ...clip,
    start,
    offset: at(clip.offset),
    length: end - start,
    fadeIn: at(clip.fadeIn),
    fadeOut: at(clip.fadeOut),
  }
}

/** The tracks of a project as the renderer wants them, every clip reading from its asset source. */
export function renderTracks(
  project: Project & { tracks: TrackWithClips[] },
  sources: ReadonlyMap<string, AssetSource>,
  outRate: number,
): RenderTrack[] {
  return project.tracks.map((track) => ({
    gainDb: track.gainDb,
    mute: track.mute,
    solo: track.solo,
    clips: track.clips.map((clip) => {
      const source = sources.get(clip.assetId)
      if (!source) throw new Error(`no source for asset ${clip.assetId}`)
      const placed = clipAtRate(clip, project.sampleRate, outRate)
      return { ...placed, source: source.reader }
    }),
  }))
}
