import { startCore } from './core'
import { makeAudio } from './e2e'

const RATE = 48000

export interface BigProject {
  projectId: string
  trackIds: string[]
  /** Assets imported but not placed (for timing a new clip's waveform). */
  spareAssetIds: string[]
  /** Length of the project, seconds. */
  seconds: number
}

export interface BigProjectOptions {
  name: string
  tracks: number
  clips: number
  /** Extra imported assets left off the timeline. */
  spare?: number
}

/** A sine with a tremolo (so the waveform has a shape), stereo WAV at 48 kHz. */
function makeTone(dir: string, name: string, seconds: number, frequency: number): string {
  return makeAudio(dir, name, [
    '-f',
    'lavfi',
    '-i',
    `sine=f=${frequency}:d=${seconds}:r=${RATE}`,
    '-af',
    `tremolo=f=${1 + (frequency % 7)}:d=0.8`,
    '-ac',
    '2',
  ])
}

/**
 * Builds a project with many tracks and clips through the contract (as the app would make it),
 * in `dataDir`, before a host serves it: clips round-robin over the tracks, back to back with a
 * quarter-second gap, each three quarters of one of six short tones.
 */
export async function buildBigProject(
  dir: string,
  dataDir: string,
  options: BigProjectOptions,
): Promise<BigProject> {
  const core = startCore(dataDir)
  try {
    const project = await core.call('projects.create', { name: options.name })
    const assets = []
    for (let i = 0; i < 6; i++) {
      const path = makeTone(dir, `${options.name}-source-${i}.wav`, 4 + i, 110 * (i + 1))
      assets.push(await core.call('assets.import', { projectId: project.id, path }))
    }
    const spareAssetIds: string[] = []
    for (let i = 0; i < (options.spare ?? 0); i++) {
      const path = makeTone(dir, `${options.name}-spare-${i}.wav`, 6, 150 + 40 * i)
      spareAssetIds.push((await core.call('assets.import', { projectId: project.id, path })).id)
    }
    const trackIds: string[] = []
    for (let t = 0; t < options.tracks; t++) {
      const track = await core.call('tracks.create', {
        projectId: project.id,
        name: `Track ${t + 1}`,
      })
      trackIds.push(track.id)
    }
    const ends = new Array<number>(options.tracks).fill(0)
    for (let i = 0; i < options.clips; i++) {
      const t = i % options.tracks
      const asset = assets[i % assets.length]!
      const length = Math.round(asset.frames * 0.75)
      await core.call('clips.create', {
        trackId: trackIds[t]!,
        assetId: asset.id,
        start: ends[t]!,
        offset: Math.round(asset.frames * 0.1),
        length,
      })
      ends[t] = ends[t]! + length + RATE / 4
    }
    return {
      projectId: project.id,
      trackIds,
      spareAssetIds,
      seconds: Math.max(...ends) / RATE,
    }
  } finally {
    core.close()
  }
}
