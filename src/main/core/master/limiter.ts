import { TruePeakDetector } from '../audio/dsp'

/** Samples on each side of a true-peak reading that its gain must also cover (the
 * interpolator's 12-tap support, whose output concerns the samples up to 11 back). */
const SUPPORT = 12

export interface LimiterOptions {
  /** The highest true peak allowed (linear, e.g. 10^(-1/20) for -1 dBTP). */
  ceiling: number
  /** How far ahead the gain starts to fall before a peak (ms): the attack, without a click. */
  lookaheadMs?: number
  /** Time constant of the gain's recovery after a peak (ms). */
  releaseMs?: number
}

/**
 * A look-ahead true-peak limiter for stereo (both channels get the same gain, so the image holds).
 *
 * Every input sample gets a required gain: the ceiling over the true peak the BS.1770-4
 * interpolator finds around it (1 when below). The applied gain is the sliding minimum of the
 * required gains over a window wider than the attack by the interpolator's support on each side,
 * released exponentially, then averaged over the attack: an average of values each at most the
 * required gain of every sample in reach is itself at most that, so every sample within the
 * interpolator's reach of a peak is turned down by at least what that peak needs, and the gain
 * moves smoothly (a linear-ish ramp over the look-ahead, no step, hence no click). Below the
 * ceiling the gain is exactly 1 and the output is the input, delayed by `latency` frames.
 *
 * Because neighbouring samples of a peak may get slightly different gains, the oversampled output
 * could exceed the ceiling by a hair; the limiter aims a margin under it (MARGIN), which the unit
 * tests check against adversarial signals on the 4× oversampled output.
 */
export class TruePeakLimiter {
  /** Frames between an input sample and its output. */
  readonly latency: number
  readonly #target: number
  readonly #attack: number
  readonly #window: number
  readonly #release: number
  readonly #detectors: [TruePeakDetector, TruePeakDetector]
  // Sliding minimum of the required gains: a monotonic queue in a ring.
  readonly #minValues: Float64Array
  readonly #minIndexes: Float64Array
  #minHead = 0
  #minTail = 0
  // The released envelope's last value, and the ring of its last `attack` values with their sum.
  #envelope = 1
  readonly #boxRing: Float64Array
  #boxAt = 0
  #boxSum: number
  // The delayed input.
  readonly #delay: [Float32Array, Float32Array]
  #delayAt = 0
  #index = 0
  #lowestGain = 1

  constructor(sampleRate: number, options: LimiterOptions) {
    this.#target = options.ceiling * MARGIN
    this.#attack = Math.max(1, Math.round(((options.lookaheadMs ?? 5) / 1000) * sampleRate))
    this.#window = this.#attack + 2 * SUPPORT + 1
    this.latency = this.#attack + SUPPORT
    this.#release = Math.exp(-1 / (((options.releaseMs ?? 80) / 1000) * sampleRate))
    this.#detectors = [new TruePeakDetector(sampleRate), new TruePeakDetector(sampleRate)]
    this.#minValues = new Float64Array(this.#window + 1)
    this.#minIndexes = new Float64Array(this.#window + 1)
    this.#boxRing = new Float64Array(this.#attack).fill(1)
    this.#boxSum = this.#attack
    this.#delay = [new Float32Array(this.latency), new Float32Array(this.latency)]
  }

  /** The lowest gain applied so far (1 when the limiter never acted). */
  get lowestGain(): number {
    return this.#lowestGain
  }

  /**
   * Processes n frames: reads inL/inR[i] and writes outL/outR[i] for i < n (the output is the
   * input of `latency` frames earlier; the first `latency` frames out are silence). The output
   * may be the input arrays.
   */
  process(
    inL: Float32Array,
    inR: Float32Array,
    outL: Float32Array,
    outR: Float32Array,
    n: number,
  ): void {
    const [detectL, detectR] = this.#detectors
    const [delayL, delayR] = this.#delay
    const values = this.#minValues
    const indexes = this.#minIndexes
    const size = values.length
    const box = this.#boxRing
    const attack = this.#attack
    const target = this.#target
    const release = this.#release
    let head = this.#minHead
    let tail = this.#minTail
    let envelope = this.#envelope
    let boxAt = this.#boxAt
    let boxSum = this.#boxSum
    let delayAt = this.#delayAt
    let index = this.#index
    let lowest = this.#lowestGain
    for (let i = 0; i < n; i++) {
      const l = inL[i]!
      const r = inR[i]!
      const peak = Math.max(detectL.push(l), detectR.push(r))
      const required = peak > target ? target / peak : 1
      // Sliding minimum over the last `window` required gains.
      while (tail !== head && values[(tail - 1 + size) % size]! >= required) {
        tail = (tail - 1 + size) % size
      }
      values[tail] = required
      indexes[tail] = index
      tail = (tail + 1) % size
      if (indexes[head]! <= index - this.#window) head = (head + 1) % size
      const held = values[head]!
      // Down at once, back up exponentially; never above the held minimum.
      envelope = held < envelope ? held : held - (held - envelope) * release
      // The average of the last `attack` envelope values.
      boxSum += envelope - box[boxAt]!
      box[boxAt] = envelope
      boxAt = boxAt + 1 === attack ? 0 : boxAt + 1
      let gain = boxSum / attack
      // The running sum's rounding must never lift the gain over the held minimum's reach.
      if (gain > 1) gain = 1
      if (gain < lowest) lowest = gain
      const outLeft = delayL[delayAt]! * gain
      const outRight = delayR[delayAt]! * gain
      delayL[delayAt] = l
      delayR[delayAt] = r
      delayAt = delayAt + 1 === delayL.length ? 0 : delayAt + 1
      outL[i] = outLeft
      outR[i] = outRight
      index++
    }
    // Recomputed now and then: a running sum drifts by rounding over millions of samples.
    if ((index & 0xfffff) < n) boxSum = box.reduce((sum, v) => sum + v, 0)
    this.#minHead = head
    this.#minTail = tail
    this.#envelope = envelope
    this.#boxAt = boxAt
    this.#boxSum = boxSum
    this.#delayAt = delayAt
    this.#index = index
    this.#lowestGain = lowest
  }
}

/** How far under the ceiling the limiter aims (linear): room for the gain's slope across a peak. */
export const MARGIN = 10 ** (-0.05 / 20)
