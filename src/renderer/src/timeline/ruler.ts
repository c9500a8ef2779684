// Ticks of the time ruler for a visible range: seconds, or bars and beats when there is a tempo.
import { beatSamples, gridLine } from '../../../shared/timeline'

export interface Tick {
  /** Timeline position in samples. */
  samples: number
  major: boolean
  label: string | null
}

export interface Tempo {
  bpm: number
  timeSignature: readonly [number, number]
}

const SECOND_STEPS = [
  0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600,
]
const MIN_LABEL_PX = 64
const MIN_TICK_PX = 8

export function formatSeconds(seconds: number, step = 1): string {
  const sign = seconds < 0 ? '-' : ''
  const value = Math.abs(seconds)
  const minutes = Math.floor(value / 60)
  const rest = value - minutes * 60
  const decimals = step >= 1 ? 0 : step >= 0.1 ? 1 : 2
  const secs = rest.toFixed(decimals)
  const padded = secs.padStart(decimals > 0 ? 3 + decimals : 2, '0')
  return `${sign}${minutes}:${padded}`
}

/** Ticks between `fromSeconds` and `toSeconds` at `pixelsPerSecond`. */
export function rulerTicks(
  fromSeconds: number,
  toSeconds: number,
  pixelsPerSecond: number,
  sampleRate: number,
  tempo: Tempo | null,
): Tick[] {
  const ticks: Tick[] = []
  if (!(pixelsPerSecond > 0) || !(toSeconds > fromSeconds)) return ticks
  if (tempo && tempo.bpm > 0) {
    const beat = beatSamples(tempo.bpm, sampleRate)
    const perBar = Math.max(1, tempo.timeSignature[0])
    const beatPx = (beat / sampleRate) * pixelsPerSecond
    const barPx = beatPx * perBar
    const labelBeats = beatPx >= MIN_LABEL_PX
    let barsPerLabel = 1
    while (barsPerLabel * barPx < MIN_LABEL_PX && barsPerLabel < 4096) barsPerLabel *= 2
    const drawBeats = beatPx >= MIN_TICK_PX
    const first = Math.max(0, Math.floor((fromSeconds * sampleRate) / beat) - 1)
    const last = Math.ceil((toSeconds * sampleRate) / beat) + 1
    // Far out, step bar by bar instead of beat by beat.
    const stride = drawBeats ? 1 : perBar
    for (let n = first - (first % stride); n <= last; n += stride) {
      const bar = Math.floor(n / perBar)
      const beatInBar = n - bar * perBar
      const isBar = beatInBar === 0
      if (!isBar && !drawBeats) continue
      if (isBar && barPx < MIN_TICK_PX && bar % barsPerLabel !== 0) continue
      const labelled = labelBeats || (isBar && bar % barsPerLabel === 0)
      ticks.push({
        samples: gridLine(n, beat),
        major: isBar,
        label: labelled ? (isBar ? `${bar + 1}` : `${bar + 1}.${beatInBar + 1}`) : null,
      })
    }
    return ticks
  }
  const step =
    SECOND_STEPS.find((candidate) => candidate * pixelsPerSecond >= MIN_LABEL_PX) ??
    SECOND_STEPS[SECOND_STEPS.length - 1]!
  const minorDivisions = [10, 5, 4, 2].find((d) => (step / d) * pixelsPerSecond >= MIN_TICK_PX) ?? 1
  const minor = step / minorDivisions
  const first = Math.max(0, Math.floor(fromSeconds / minor) - 1)
  const last = Math.ceil(toSeconds / minor) + 1
  for (let n = first; n <= last; n++) {
    const major = n % minorDivisions === 0
    const seconds = n * minor
    ticks.push({
      samples: Math.round(seconds * sampleRate),
      major,
      label: major ? formatSeconds(seconds, step) : null,
    })
  }
  return ticks
}
