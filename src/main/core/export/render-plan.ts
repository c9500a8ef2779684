import type { Clip, Project, TrackWithClips } from '../../../shared/domain'
import { framesAtRate } from '../../../shared/timeline'
import { audibleTracks, projectEnd, type RenderClip, type RenderTrack } from '../audio/dsp'
import { openSourceSpec, type AssetSource, type SourceSpec } from './asset-source'
import type { BufferPool } from './buffer-pool'

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

/** A clip placed at the output rate, reading `sources[source]` of its plan. */
export type PlannedClip = Omit<RenderClip, 'source'> & { source: number }

export interface PlannedStem {
  gainDb: number
  clips: PlannedClip[]
}

/**
 * What an export renders, as plain data that can cross to worker threads: the stems (audible
 * tracks with clips, in track order) at the output rate. The mix is their sum in this order.
 */
export interface StemPlan {
  sampleRate: number
  sources: SourceSpec[]
  stems: PlannedStem[]
}

export interface StemLayout {
  stems: PlannedStem[]
  /** The asset of each source index the clips use. */
  assetIds: string[]
  /** The index in project.tracks of each stem. */
  trackIndexes: number[]
  /** Length of every file: the end of the last audible clip at the output rate. */
  frames: number
}

/** Lays out the stems of a project at the output rate (sources are numbered, not opened). */
export function layOutStems(
  project: Project & { tracks: TrackWithClips[] },
  outRate: number,
): StemLayout {
  const placed = project.tracks.map((track) => ({
    gainDb: track.gainDb,
    mute: track.mute,
    solo: track.solo,
    clips: track.clips.map((clip) => clipAtRate(clip, project.sampleRate, outRate)),
  }))
  const audible = audibleTracks(placed)
  const trackIndexes = placed.flatMap((track, i) =>
    audible[i] && track.clips.length > 0 ? [i] : [],
  )
  const assetIds: string[] = []
  const sourceOf = (assetId: string): number => {
    const index = assetIds.indexOf(assetId)
    return index >= 0 ? index : assetIds.push(assetId) - 1
  }
  const stems = trackIndexes.map((i) => ({
    gainDb: placed[i]!.gainDb,
    clips: placed[i]!.clips.map(
      ({ start, offset, length, gainDb, fadeIn, fadeOut, assetId }): PlannedClip => ({
        start,
        offset,
        length,
        gainDb,
        fadeIn,
        fadeOut,
        source: sourceOf(assetId),
      }),
    ),
  }))
  return { stems, assetIds, trackIndexes, frames: projectEnd(placed.filter((_, i) => audible[i])) }
}

/**
 * Opens the sources of a plan (each once) and returns its stems as the renderer takes them, every
 * clip with a reader of its own. Read buffers come from `pool` and go back to it on close.
 */
export function openStemPlan(
  plan: StemPlan,
  pool?: BufferPool,
): { tracks: RenderTrack[]; close: () => void } {
  const opened: AssetSource[] = []
  try {
    for (const spec of plan.sources) opened.push(openSourceSpec(spec, pool))
  } catch (error) {
    for (const source of opened) source.close()
    throw error
  }
  const tracks = plan.stems.map((stem) => ({
    gainDb: stem.gainDb,
    mute: false,
    solo: false,
    clips: stem.clips.map((clip) => ({ ...clip, source: opened[clip.source]!.newReader() })),
  }))
  return { tracks, close: () => opened.forEach((source) => source.close()) }
}
