import { TruePeakDetector } from '../audio/dsp'

/** Overs closer together than this (s) count as one. */
const JOIN_SECONDS = 0.25
/** Overs listed by time; the count goes on. */
const LISTED = 50
/** The detector's answer concerns the samples about this far back (half its 12-tap support). */
const DETECTOR_DELAY = 6

export interface OversFound {
  /** The true peak of everything pushed (linear), over the threshold or not. */
  truePeak: number
  count: number
  /** The loudest true peak over the ceiling (linear), or 0. */
  loudest: number
  /** The first stretches: start frame and loudest true peak (linear). */
  first: { frame: number; end: number; peak: number }[]
}

/**
 * Finds the stretches of a stereo stream whose true peak (BS.1770-4, 4×) exceeds a threshold.
 * Allocates nothing per sample.
 */
export class OversFinder {
  readonly #detectors: [TruePeakDetector, TruePeakDetector]
  readonly #join: number
  #frame = 0
  #lastOver = -Infinity
  #count = 0
  #loudest = 0
  #truePeak = 0
  readonly #first: { frame: number; end: number; peak: number }[] = []

  constructor(
    sampleRate: number,
    private readonly threshold: number,
  ) {
    this.#detectors = [new TruePeakDetector(sampleRate), new TruePeakDetector(sampleRate)]
    this.#join = Math.round(JOIN_SECONDS * sampleRate)
  }

  push(left: Float32Array, right: Float32Array, n: number): void {
    const [dl, dr] = this.#detectors
    const threshold = this.threshold
    let top = this.#truePeak
    for (let i = 0; i < n; i++) {
      const peak = Math.max(dl.push(left[i]!), dr.push(right[i]!))
      if (peak > top) top = peak
      if (peak > threshold) this.#over(this.#frame + i, peak)
    }
    this.#truePeak = top
    this.#frame += n
  }

  #over(frame: number, peak: number): void {
    if (peak > this.#loudest) this.#loudest = peak
    const at = Math.max(0, frame - DETECTOR_DELAY)
    if (frame - this.#lastOver > this.#join) {
      this.#count++
      if (this.#first.length < LISTED) this.#first.push({ frame: at, end: at + 1, peak })
    } else if (this.#count <= LISTED) {
      const last = this.#first[this.#first.length - 1]!
      if (peak > last.peak) last.peak = peak
      last.end = at + 1
    }
    this.#lastOver = frame
  }

  result(): OversFound {
    return {
      truePeak: this.#truePeak,
      count: this.#count,
      loudest: this.#loudest,
      first: this.#first.map((o) => ({ ...o })),
    }
  }
}
