import type { SketchApi } from '../../../shared/api'
import { decodePeaks, type DecodedPeaks } from '../lib/peaks'

/** The finest level the store keeps (frames per peak). */
const FINEST = 256
const COARSEST = 1 << 20

/** The level to draw at: the largest power of two not above one pixel's frames, ≥ 256. */
export function peakLevelFor(assetRate: number, pixelsPerSecond: number): number {
  const framesPerPixel = assetRate / pixelsPerSecond
  if (!(framesPerPixel > FINEST)) return FINEST
  return Math.min(COARSEST, 2 ** Math.floor(Math.log2(framesPerPixel)))
}

/** A coarser level: each peak the envelope of `factor` consecutive ones. */
export function mergePeaks(peaks: DecodedPeaks, factor: number): DecodedPeaks {
  const count = Math.ceil(peaks.count / factor)
  const pairs = peaks.pairs.map((source) => {
    const out = new Float32Array(count * 2)
    for (let i = 0; i < count; i++) {
      let min = Infinity
      let max = -Infinity
      const end = Math.min(peaks.count, (i + 1) * factor)
      for (let p = i * factor; p < end; p++) {
        const lo = source[p * 2]!
        const hi = source[p * 2 + 1]!
        if (lo < min) min = lo
        if (hi > max) max = hi
      }
      out[i * 2] = min
      out[i * 2 + 1] = max
    }
    return out
  })
  return { framesPerPeak: peaks.framesPerPeak * factor, count, channels: peaks.channels, pairs }
}

/**
 * Peaks per asset and level, fetched once. While a level loads, `get` answers the nearest level
 * already here, so zooming never blanks a waveform. `onchange` runs whenever a level arrives.
 */
export class PeaksCache {
  readonly #levels = new Map<string, Map<number, DecodedPeaks>>()
  readonly #pending = new Set<string>()
  readonly #failed = new Set<string>()
  /** Levels arrived so far, and for each asset the count when its latest level arrived. */
  #arrivals = 0
  readonly #arrivedAt = new Map<string, number>()

  constructor(
    private readonly api: SketchApi,
    private readonly onchange: () => void,
  ) {}

  /**
   * The peaks for drawing now: the exact level; else derived here from a finer level already
   * loaded (no round trip when zooming out); else the nearest coarser one while the level loads.
   */
  get(assetId: string, level: number): DecodedPeaks | undefined {
    const levels = this.#levels.get(assetId)
    const exact = levels?.get(level)
    if (exact) return exact
    let finer: DecodedPeaks | undefined
    let coarser: DecodedPeaks | undefined
    for (const [framesPerPeak, peaks] of levels ?? []) {
      if (framesPerPeak < level && level % framesPerPeak === 0) {
        if (!finer || framesPerPeak > finer.framesPerPeak) finer = peaks
      } else if (framesPerPeak > level) {
        if (!coarser || framesPerPeak < coarser.framesPerPeak) coarser = peaks
      }
    }
    if (finer && levels) {
      const derived = mergePeaks(finer, level / finer.framesPerPeak)
      levels.set(level, derived)
      return derived
    }
    this.#fetch(assetId, level)
    return coarser
  }

  /**
   * Grows whenever a level of the asset arrives, and then past every other asset's: the largest
   * over a lane's clips changes exactly when one of them got peaks, so only that lane is redrawn.
   */
  arrival(assetId: string): number {
    return this.#arrivedAt.get(assetId) ?? 0
  }

  #fetch(assetId: string, level: number): void {
    const key = `${assetId}:${level}`
    if (this.#pending.has(key) || this.#failed.has(key)) return
    this.#pending.add(key)
    void this.api.call('assets.peaks', { assetId, framesPerPeak: level }).then((result) => {
      this.#pending.delete(key)
      if (!result.ok) {
        this.#failed.add(key)
        return
      }
      let levels = this.#levels.get(assetId)
      if (!levels) {
        levels = new Map<number, DecodedPeaks>()
        this.#levels.set(assetId, levels)
      }
      levels.set(level, decodePeaks(result.value))
      this.#arrivedAt.set(assetId, ++this.#arrivals)
      this.onchange()
    })
  }
}
