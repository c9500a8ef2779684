import type { PcmAudio } from './pcm'
import { kWeightedEnergy, kWeightingFilters } from '../../../../shared/k-weighting'
import { TruePeakDetector } from './true-peak'

/**
 * ITU-R BS.1770-4 integrated loudness and true peak, computed incrementally.
 *
 * - K-weighting: the high-shelf and high-pass biquads of BS.1770, derived for any sample rate
 *   with the bilinear-transform formulas used by libebur128 (identical to the published 48 kHz
 *   coefficients at 48 kHz).
 * - Channel weights: 1.0, with 1.41 for the surrounds and 0 for the LFE in 5- and 6-channel
 *   audio (L R C Ls Rs / L R C LFE Ls Rs).
 * - Gating: 400 ms blocks every 100 ms (75% overlap), absolute gate at -70 LUFS, relative gate
 *   10 LU below the loudness of the blocks above the absolute gate. Fewer than 400 ms of audio,
 *   or only silence, gives -Infinity.
 * - True peak: 4× oversampling with the 48-tap interpolator of BS.1770-4 Annex 2 (2× from 96 kHz,
 *   none from 192 kHz), the maximum also covering the sample peak.
 */
export interface LoudnessResult {
  /** Integrated loudness in LUFS (-Infinity when nothing passes the gates). */
  integratedLufs: number
  /** True peak in dBTP (relative to full scale 1.0); -Infinity for digital silence. */
  truePeakDb: number
  /** Linear true peak. */
  truePeak: number
  /** Linear sample peak. */
  samplePeak: number
}

function channelWeights(channels: number): number[] {
  if (channels === 5) return [1, 1, 1, 1.41, 1.41]
  if (channels === 6) return [1, 1, 1, 0, 1.41, 1.41]
  return new Array<number>(channels).fill(1)
}

/** Incremental BS.1770 meter: push planar chunks, read the result at any time. */
export class LoudnessMeter {
  private readonly weights: number[]
  private readonly filters: ReturnType<typeof kWeightingFilters>
  /** Per channel: shelf x1 x2 y1 y2, high-pass x1 x2 y1 y2 (direct form I). */
  private readonly state: Float64Array[]
  private readonly segmentFrames: number
  private segmentFill = 0
  private segmentEnergy = 0
  /** Energies of the last four 100 ms segments, oldest first. */
  private r0 = 0
  private r1 = 0
  private r2 = 0
  private r3 = 0
  private segments = 0
  private blocks = new Float64Array(1024)
  private blockCount = 0
  /** One per channel; none when the caller measures the true peak itself. */
  private readonly detectors: TruePeakDetector[]
  private tpMax = 0
  private sampleMax = 0

  constructor(
    readonly sampleRate: number,
    readonly channelCount: number,
    /**
     * False when the caller measures the true peak itself (the export's mix, whose overs finder
     * does): the meter then gives integrated() only, and result() refuses.
     */
    private readonly truePeak = true,
  ) {
    this.weights = channelWeights(channelCount)
    this.filters = kWeightingFilters(sampleRate)
    this.state = []
    for (let c = 0; c < channelCount; c++) this.state.push(new Float64Array(8))
    this.detectors = truePeak
      ? Array.from({ length: channelCount }, () => new TruePeakDetector(sampleRate))
      : []
    this.segmentFrames = Math.round(sampleRate / 10)
  }

  push(channels: Float32Array[]): void {
    if (channels.length !== this.channelCount) {
      throw new RangeError(`expected ${this.channelCount} channels, got ${channels.length}`)
    }
    const frames = channels[0]?.length ?? 0
    let pos = 0
    while (pos < frames) {
      const n = Math.min(frames - pos, this.segmentFrames - this.segmentFill)
      for (let c = 0; c < this.channelCount; c++) {
        const w = this.weights[c]!
        if (w !== 0) this.segmentEnergy += w * this.filter(c, channels[c]!, pos, n)
        this.peaks(c, channels[c]!, pos, n)
      }
      pos += n
      this.segmentFill += n
      if (this.segmentFill === this.segmentFrames) this.endSegment()
    }
  }

  /** K-weights samples [pos, pos + n) of a channel; returns their sum of squares. */
  private filter(c: number, x: Float32Array, pos: number, n: number): number {
    return kWeightedEnergy(this.filters, this.state[c]!, x, pos, n)
  }

  private peaks(c: number, x: Float32Array, pos: number, n: number): void {
    const detector = this.detectors[c]
    // Without its true peak, the meter gives integrated() only: no peak is read.
    if (!detector) return
    let sp = this.sampleMax
    for (let i = pos, end = pos + n; i < end; i++) {
      const a = Math.abs(x[i]!)
      if (a > sp) sp = a
    }
    this.sampleMax = sp
    this.tpMax = Math.max(this.tpMax, detector.peakOf(x, pos, n))
  }

  private endSegment(): void {
    this.r0 = this.r1
    this.r1 = this.r2
    this.r2 = this.r3
    this.r3 = this.segmentEnergy
    this.segmentEnergy = 0
    this.segmentFill = 0
    this.segments++
    if (this.segments >= 4) {
      if (this.blockCount === this.blocks.length) {
        const grown = new Float64Array(this.blocks.length * 2)
        grown.set(this.blocks)
        this.blocks = grown
      }
      this.blocks[this.blockCount++] =
        (this.r0 + this.r1 + this.r2 + this.r3) / (4 * this.segmentFrames)
    }
  }

  /** Integrated loudness (LUFS) of everything pushed so far. */
  integrated(): number {
    const absGate = 10 ** ((-70 + 0.691) / 10)
    let sum = 0
    let n = 0
    for (let i = 0; i < this.blockCount; i++) {
      const z = this.blocks[i]!
      if (z > absGate) {
        sum += z
        n++
      }
    }
    if (n === 0) return -Infinity
    const relGate = (sum / n) * 0.1
    sum = 0
    n = 0
    for (let i = 0; i < this.blockCount; i++) {
      const z = this.blocks[i]!
      if (z > absGate && z > relGate) {
        sum += z
        n++
      }
    }
    return n === 0 ? -Infinity : -0.691 + 10 * Math.log10(sum / n)
  }

  result(): LoudnessResult {
    if (!this.truePeak) throw new Error('this meter measures no true peak: read integrated()')
    // The detectors' answers cover the samples themselves.
    const truePeak = this.tpMax
    return {
      integratedLufs: this.integrated(),
      truePeak,
      truePeakDb: 20 * Math.log10(truePeak),
      samplePeak: this.sampleMax,
    }
  }
}

/** Loudness and true peak of a whole PcmAudio. */
export function measureLoudness(audio: PcmAudio): LoudnessResult {
  const meter = new LoudnessMeter(audio.sampleRate, audio.channels.length)
  meter.push(audio.channels)
  return meter.result()
}
