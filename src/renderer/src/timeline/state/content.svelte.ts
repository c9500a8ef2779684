import type { Clip, TrackWithClips } from '../../../../shared/domain'
import { framesAtRate } from '../../../../shared/timeline'
import type { PlanTrack } from '../../lib/playback/scheduler'
import type { ProjectState } from '../../lib/state/project.svelte'
import { clipsByTrack } from '../edits'

/**
 * The open project's tracks and clips as the timeline shows them: the project's, with a drag's
 * preview laid over them until the edit it becomes has reloaded the project.
 */
export class TimelineContent {
  /** Clips as a drag shows them (and until the project reloads after the edit). */
  preview = $state.raw<ReadonlyMap<string, Clip> | null>(null)

  constructor(readonly project: ProjectState) {}

  // The project's facts that a reload rarely changes are deriveds of plain values: what reads
  // them (the ruler, the grid) runs again when they change, not on every reload of the project.
  readonly rate = $derived.by(() => this.project.detail?.sampleRate ?? 48000)
  readonly #bpm = $derived.by(() => this.project.detail?.tempoBpm ?? null)
  readonly #beatsPerBar = $derived.by(() => this.project.detail?.timeSignature?.[0] ?? 4)
  readonly #beatUnit = $derived.by(() => this.project.detail?.timeSignature?.[1] ?? 4)

  get tracks(): TrackWithClips[] {
    return this.project.detail?.tracks ?? []
  }

  readonly tempo = $derived.by((): { bpm: number; timeSignature: [number, number] } | null =>
    this.#bpm ? { bpm: this.#bpm, timeSignature: [this.#beatsPerBar, this.#beatUnit] } : null,
  )

  /** Every clip, by track, as shown (drag previews applied). */
  readonly byTrack = $derived.by(() => clipsByTrack(this.tracks, this.preview))

  readonly clips = $derived([...this.byTrack.values()].flat())
  readonly endSamples = $derived(
    this.clips.reduce((end, clip) => Math.max(end, clip.start + clip.length), 0),
  )

  /** The tracks as playback needs them (without drag previews). */
  readonly planTracks = $derived.by((): PlanTrack[] =>
    this.tracks.map((track) => ({
      id: track.id,
      gainDb: track.gainDb,
      mute: track.mute,
      solo: track.solo,
      clips: track.clips.map((clip) => ({ ...clip })),
    })),
  )

  /** A clip as the project has it (no preview). */
  clipById(clipId: string): Clip | undefined {
    for (const track of this.tracks) {
      const clip = track.clips.find((candidate) => candidate.id === clipId)
      if (clip) return clip
    }
    return undefined
  }

  /** The clip's whole source at the project rate (how far its end can be trimmed out). */
  assetLength(clip: Clip): number {
    const asset = this.project.assetById(clip.assetId)
    return asset
      ? framesAtRate(asset.frames, asset.sampleRate, this.rate)
      : clip.offset + clip.length
  }
}
