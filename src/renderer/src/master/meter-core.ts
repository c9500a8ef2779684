// The master meter's measurements, for the audio thread (meter-processor.ts): sample peak per
// channel, and momentary (400 ms) and short-term (3 s) loudness per ITU-R BS.1770-4 / EBU R128,
// K-weighted with the same filters as the export's meter. Allocates nothing after construction.
import { kWeightedEnergy, kWeightingFilters } from '../../../shared/k-weighting'

/** 100 ms segments kept: 30 for the 3 s short-term window. */
const SEGMENTS = 30
/** The segments of the 400 ms momentary window. */
const MOMENTARY = 4

export interface MeterReading {
  /** The largest sample magnitude of each channel since the last reading (linear). */
  peak: [number, number]
  /** LUFS; -Infinity while silent or before the window has filled once. */
  momentary: number
  shortTerm: number
}

export class MeterCore {
  readonly #filters: ReturnType<typeof kWeightingFilters>
  /** Per channel: shelf x1 x2 y1 y2, high-pass x1 x2 y1 y2. */
  readonly #state = [new Float64Array(8), new Float64Array(8)]
  readonly #segmentFrames: number
  #fill = 0
  #energy = 0
  /** Mean square (summed over channels) of the last SEGMENTS segments, as a ring. */
  readonly #segments = new Float64Array(SEGMENTS)
  #segmentAt = 0
  #segmentCount = 0
  #peakL = 0
  #peakR = 0

  constructor(sampleRate: number) {
    this.#filters = kWeightingFilters(sampleRate)
    this.#segmentFrames = Math.round(sampleRate / 10)
  }

  /** Takes n frames of stereo (a mono input passes `right` = `left`). */
  push(left: Float32Array, right: Float32Array, n: number): void {
    let at = 0
    while (at < n) {
      const take = Math.min(n - at, this.#segmentFrames - this.#fill)
      this.#energy +=
        kWeightedEnergy(this.#filters, this.#state[0]!, left, at, take) +
        kWeightedEnergy(this.#filters, this.#state[1]!, right, at, take)
      at += take
      this.#fill += take
      if (this.#fill === this.#segmentFrames) {
        this.#segments[this.#segmentAt] = this.#energy / this.#segmentFrames
        this.#segmentAt = (this.#segmentAt + 1) % SEGMENTS
        if (this.#segmentCount < SEGMENTS) this.#segmentCount++
        this.#energy = 0
        this.#fill = 0
      }
    }
    let pl = this.#peakL
    let pr = this.#peakR
    for (let i = 0; i < n; i++) {
      const a = Math.abs(left[i]!)
      const b = Math.abs(right[i]!)
      if (a > pl) pl = a
      if (b > pr) pr = b
    }
    this.#peakL = pl
    this.#peakR = pr
  }

  /** Writes the current reading into `out` and starts a new peak interval. */
  read(out: MeterReading): void {
    out.peak[0] = this.#peakL
    out.peak[1] = this.#peakR
    this.#peakL = 0
    this.#peakR = 0
    out.momentary = this.#window(MOMENTARY)
    out.shortTerm = this.#window(SEGMENTS)
  }

  /** Loudness of the last `count` segments, or -Infinity before there are that many. */
  #window(count: number): number {
    if (this.#segmentCount < count) return -Infinity
    let sum = 0
    for (let k = 1; k <= count; k++)
      sum += this.#segments[(this.#segmentAt - k + SEGMENTS) % SEGMENTS]!
    const mean = sum / count
    return mean > 0 ? -0.691 + 10 * Math.log10(mean) : -Infinity
  }
}
