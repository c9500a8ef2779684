// Pure planning of multi-track playback: which buffer sources start when, from which offset, for
// how long, with which gains and fades. Times in samples at the project rate are converted to
// seconds only at the end, so every start lines up with the sample grid of the timeline.
import type { Clip } from '../../../../shared/domain'
import { equalPowerGains } from '../../../../shared/timeline'

/** A clip as playback plans it: the contract's clip. */
export type PlanClip = Clip

export interface PlanTrack {
  id: string
  gainDb: number
  mute: boolean
  solo: boolean
  clips: readonly PlanClip[]
}

export interface FadeSegment {
  kind: 'in' | 'out'
  /** Audio-clock time (s) where the segment starts. */
  at: number
  /** Seconds. */
  duration: number
  /** Position within the fade (0..1) at the start and at the end of the segment. */
  from: number
  to: number
}

export interface ScheduledSource {
  clipId: string
  trackId: string
  assetId: string
  /** Audio-clock time (s) at which the source starts. */
  when: number
  /** Seconds into the asset's audio. */
  offset: number
  /** Seconds played. */
  duration: number
  /** The clip's own linear gain (fades multiply it). */
  gain: number
  /** The clip's gain factor at `when` (0 at the start of a fade-in). */
  initialFade: number
  fades: FadeSegment[]
}

export interface PlanInput {
  tracks: readonly PlanTrack[]
  sampleRate: number
  /** Timeline span [from, to) to play, in project samples. */
  from: number
  to: number
  /** Audio-clock time (s) at which `from` sounds. */
  when: number
  /** Assets whose audio is ready; clips of others are left out. Default: all. */
  ready?: (assetId: string) => boolean
}

export function dbToGain(db: number): number {
  return Math.pow(10, db / 20)
}

/** The tracks not heard: muted, or silenced because another track is soloed. */
export function silentTracks(
  tracks: readonly Pick<PlanTrack, 'id' | 'mute' | 'solo'>[],
): Set<string> {
  const anySolo = tracks.some((track) => track.solo)
  return new Set(
    tracks.filter((track) => track.mute || (anySolo && !track.solo)).map((track) => track.id),
  )
}

/** Linear gain of each track: its gain, or 0 when muted or when another track is soloed. */
export function trackGains(tracks: readonly PlanTrack[]): Map<string, number> {
  const silent = silentTracks(tracks)
  const gains = new Map<string, number>()
  for (const track of tracks) {
    gains.set(track.id, silent.has(track.id) ? 0 : dbToGain(track.gainDb))
  }
  return gains
}

/** Equal-power fade factor at position p (0..1) of a fade in or out. */
export function fadeGain(kind: 'in' | 'out', p: number): number {
  const { fadeIn, fadeOut } = equalPowerGains(p, 1)
  return kind === 'in' ? fadeIn : fadeOut
}

/** The gain curve of a fade segment, for setValueCurveAtTime (scaled by `gain`). */
export function fadeCurve(segment: FadeSegment, gain: number, points = 64): Float32Array {
  const count = Math.max(2, points)
  const curve = new Float32Array(count)
  for (let i = 0; i < count; i++) {
    const p = segment.from + ((segment.to - segment.from) * i) / (count - 1)
    curve[i] = gain * fadeGain(segment.kind, p)
  }
  return curve
}

/**
 * Every source to start to play [from, to): one per clip overlapping the span, trimmed to it.
 * Tracks that are silent (mute, solo elsewhere) are left out.
 */
export function planPlayback(input: PlanInput): ScheduledSource[] {
  const { sampleRate: rate, from, to, when } = input
  if (!(to > from)) return []
  const gains = trackGains(input.tracks)
  const out: ScheduledSource[] = []
  for (const track of input.tracks) {
    if (gains.get(track.id) === 0) continue
    for (const clip of track.clips) {
      if (input.ready && !input.ready(clip.assetId)) continue
      const clipEnd = clip.start + clip.length
      const s0 = Math.max(clip.start, from)
      const s1 = Math.min(clipEnd, to)
      if (s1 <= s0) continue
      const fades: FadeSegment[] = []
      let initialFade = 1
      const fadeInEnd = clip.start + clip.fadeIn
      if (clip.fadeIn > 0 && s0 < fadeInEnd) {
        const a = s0
        const b = Math.min(fadeInEnd, s1)
        initialFade = fadeGain('in', (a - clip.start) / clip.fadeIn)
        fades.push({
          kind: 'in',
          at: when + (a - from) / rate,
          duration: (b - a) / rate,
          from: (a - clip.start) / clip.fadeIn,
          to: (b - clip.start) / clip.fadeIn,
        })
      }
      const fadeOutStart = clipEnd - clip.fadeOut
      if (clip.fadeOut > 0 && s1 > fadeOutStart) {
        const a = Math.max(fadeOutStart, s0)
        const b = s1
        if (a === s0) initialFade = fadeGain('out', (a - fadeOutStart) / clip.fadeOut)
        fades.push({
          kind: 'out',
          at: when + (a - from) / rate,
          duration: (b - a) / rate,
          from: (a - fadeOutStart) / clip.fadeOut,
          to: (b - fadeOutStart) / clip.fadeOut,
        })
      }
      out.push({
        clipId: clip.id,
        trackId: track.id,
        assetId: clip.assetId,
        when: when + (s0 - from) / rate,
        offset: (clip.offset + (s0 - clip.start)) / rate,
        duration: (s1 - s0) / rate,
        gain: dbToGain(clip.gainDb),
        initialFade,
        fades,
      })
    }
  }
  return out.sort((a, b) => a.when - b.when)
}

/** End of the last clip, in samples. */
export function projectEnd(tracks: readonly PlanTrack[]): number {
  let end = 0
  for (const track of tracks) {
    for (const clip of track.clips) end = Math.max(end, clip.start + clip.length)
  }
  return end
}

export interface LoopSegment {
  /** Audio-clock time (s) at which `from` sounds. */
  when: number
  from: number
  to: number
}

/**
 * Maps an audio-clock time to a timeline position through the scheduled segments (a loop plays
 * one segment per pass); null before the first segment starts.
 */
export function positionAt(
  segments: readonly LoopSegment[],
  time: number,
  sampleRate: number,
): number | null {
  let current: LoopSegment | undefined
  for (const segment of segments) if (segment.when <= time) current = segment
  if (!current) return segments[0]?.from ?? null
  return Math.min(current.to, current.from + (time - current.when) * sampleRate)
}
