// When the metronome clicks: pure timing on the audio clock, from the segments being played.
import { beatSamples } from '../../../../shared/timeline'
import type { LoopSegment } from './scheduler'

export interface MetronomeTempo {
  bpm: number
  beatsPerBar: number
}

export interface Click {
  /** Audio-clock time (s). */
  at: number
  /** First beat of a bar. */
  accent: boolean
}

/**
 * The clicks sounding in the audio-clock window [t0, t1): the beats of the tempo grid (bar 1
 * starts at sample 0, as the ruler counts) inside each scheduled segment of timeline.
 */
export function clicksBetween(
  segments: readonly LoopSegment[],
  t0: number,
  t1: number,
  sampleRate: number,
  tempo: MetronomeTempo,
): Click[] {
  const beat = beatSamples(tempo.bpm, sampleRate)
  const clicks: Click[] = []
  for (const segment of segments) {
    const end = segment.when + (segment.to - segment.from) / sampleRate
    const from = Math.max(t0, segment.when)
    const to = Math.min(t1, end)
    if (!(to > from)) continue
    // The segment's timeline span heard in [from, to).
    const a = segment.from + (from - segment.when) * sampleRate
    const b = segment.from + (to - segment.when) * sampleRate
    for (let k = Math.ceil(a / beat - 1e-9); k * beat < b; k++) {
      clicks.push({
        at: segment.when + (k * beat - segment.from) / sampleRate,
        accent: k % tempo.beatsPerBar === 0,
      })
    }
  }
  return clicks.sort((x, y) => x.at - y.at)
}
