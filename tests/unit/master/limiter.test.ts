import { describe, expect, it } from 'vitest'
import { measureLoudness } from '../../../src/main/core/audio/dsp/loudness'
import { TruePeakDetector } from '../../../src/main/core/audio/dsp/true-peak'
import { TruePeakLimiter } from '../../../src/main/core/master/limiter'
import { rng, sine } from '../../helpers/audio'

const CEILING_DB = -1
const CEILING = 10 ** (CEILING_DB / 20)

/** Runs a stereo signal through a fresh limiter in chunks of `chunk` frames, latency removed. */
function limit(left: Float32Array, right: Float32Array, rate: number, chunk = 1000) {
  const limiter = new TruePeakLimiter(rate, { ceiling: CEILING })
  const frames = left.length
  const padded = [
    new Float32Array(frames + limiter.latency),
    new Float32Array(frames + limiter.latency),
  ]
  padded[0]!.set(left)
  padded[1]!.set(right)
  const out = [new Float32Array(padded[0]!.length), new Float32Array(padded[0]!.length)]
  for (let at = 0; at < padded[0]!.length; at += chunk) {
    const n = Math.min(chunk, padded[0]!.length - at)
    limiter.process(
      padded[0]!.subarray(at, at + n),
      padded[1]!.subarray(at, at + n),
      out[0]!.subarray(at, at + n),
      out[1]!.subarray(at, at + n),
      n,
    )
  }
  return {
    limiter,
    out: [out[0]!.subarray(limiter.latency), out[1]!.subarray(limiter.latency)] as const,
  }
}

function truePeakDb(left: Float32Array, right: Float32Array, rate: number): number {
  return measureLoudness({ sampleRate: rate, channels: [left, right] }).truePeakDb
}

function noise(frames: number, seed: number, amplitude: number): Float32Array {
  const random = rng(seed)
  return Float32Array.from({ length: frames }, () => amplitude * (random() * 2 - 1))
}

describe('TruePeakDetector', () => {
  it('finds the peak between samples of a tone at fs/4 sampled at 45° (BS.1770-4 Annex 2)', () => {
    // x[n] = sin(πn/2 + π/4): every sample is ±0.707, the waveform peaks at 1.0 between them.
    const frames = 4800
    const detector = new TruePeakDetector(48000)
    let peak = 0
    for (let n = 0; n < frames; n++) {
      peak = Math.max(peak, detector.push(Math.sin((Math.PI * n) / 2 + Math.PI / 4)))
    }
    expect(20 * Math.log10(peak)).toBeGreaterThan(-0.3)
    expect(20 * Math.log10(peak)).toBeLessThan(0.2)
  })

  it('gives over a block, in pieces of any size, the largest of its per-sample answers', () => {
    for (const rate of [48000, 96000]) {
      const x = noise(48000, 3, 0.9)
      const each = new TruePeakDetector(rate)
      let peak = 0
      for (const v of x) peak = Math.max(peak, each.push(v))
      const blocks = new TruePeakDetector(rate)
      let blockPeak = 0
      const random = rng(11)
      for (let at = 0; at < x.length;) {
        const n = Math.min(x.length - at, 1 + Math.floor(random() * 5000))
        blockPeak = Math.max(blockPeak, blocks.peakOf(x, at, n))
        at += n
      }
      expect(blockPeak).toBe(peak)
    }
  })

  it('is what the integrated meter reports as the true peak', () => {
    // The 45° tone: its samples are at 0.707, its true peak at 1.0 (the meter oversamples too).
    const x = Float32Array.from({ length: 4800 }, (_, n) =>
      Math.sin((Math.PI * n) / 2 + Math.PI / 4),
    )
    const meter = measureLoudness({ sampleRate: 48000, channels: [x] })
    expect(meter.samplePeak).toBeCloseTo(Math.SQRT1_2, 6)
    expect(20 * Math.log10(meter.truePeak)).toBeGreaterThan(-0.3)
  })

  it('answers the sample magnitude alone at 192 kHz (no oversampling there)', () => {
    const detector = new TruePeakDetector(192000)
    expect(detector.push(-0.5)).toBe(0.5)
    expect(detector.push(0.25)).toBe(0.25)
  })
})

describe('TruePeakLimiter', () => {
  const loud: [string, number, () => [Float32Array, Float32Array]][] = [
    ['white noise at +12 dB', 48000, () => [noise(96000, 1, 4), noise(96000, 2, 4)]],
    [
      'a tone at fs/4 with inter-sample peaks, +6 dB',
      48000,
      () => {
        const x = Float32Array.from(
          { length: 48000 },
          (_, n) => 2 * Math.sin((Math.PI * n) / 2 + Math.PI / 4),
        )
        return [x, x.slice()]
      },
    ],
    [
      'full-scale square bursts and single-sample clicks at 44.1 kHz',
      44100,
      () => {
        const l = new Float32Array(88200)
        for (let n = 0; n < l.length; n++) {
          if (n % 11025 < 2000) l[n] = n % 4 < 2 ? 1.5 : -1.5
          if (n % 7001 === 0) l[n] = 3
        }
        return [l, l.map((v) => -v)]
      },
    ],
    [
      'a kick-like burst on a quiet bed (heavy, sudden limiting)',
      48000,
      () => {
        const bed = sine(48000, 220, 96000, 0.2)
        for (let n = 24000; n < 26400; n++) bed[n]! += 3 * Math.sin((2 * Math.PI * 60 * n) / 48000)
        return [bed, bed.slice()]
      },
    ],
  ]
  it.each(loud)(
    'keeps the 4× oversampled output at or under the ceiling: %s',
    (_, rate, signal) => {
      const [l, r] = signal()
      expect(truePeakDb(l, r, rate)).toBeGreaterThan(0)
      const { out, limiter } = limit(l, r, rate)
      expect(truePeakDb(out[0], out[1], rate)).toBeLessThanOrEqual(CEILING_DB)
      expect(limiter.lowestGain).toBeLessThan(1)
    },
  )

  it('is transparent below the threshold: the output is the input, delayed', () => {
    const l = sine(48000, 440, 48000, 0.5)
    const r = noise(48000, 9, 0.3)
    const { out, limiter } = limit(l, r, 48000, 777)
    expect(limiter.lowestGain).toBe(1)
    expect(Array.from(out[0])).toEqual(Array.from(l))
    expect(Array.from(out[1])).toEqual(Array.from(r))
  })

  it('changes the gain smoothly: no step larger than the attack allows (no click)', () => {
    const l = sine(48000, 100, 48000, 0.1)
    l.fill(0.1, 0, 0)
    for (let n = 24000; n < 24100; n++) l[n] = 4 // a sudden, loud block
    const { out } = limit(l, l.slice(), 48000)
    // The gain is out/in where the input is not tiny: its largest step between two samples.
    let step = 0
    let previous: number | null = null
    for (let n = 0; n < l.length; n++) {
      if (Math.abs(l[n]!) < 0.05) {
        previous = null
        continue
      }
      const gain = out[0][n]! / l[n]!
      if (previous !== null) step = Math.max(step, Math.abs(gain - previous))
      previous = gain
    }
    // Down to about 0.22 over a 5 ms look-ahead (240 samples): about 0.0033 per sample.
    expect(step).toBeLessThan(0.01)
  })

  it('keeps the left-right balance: both channels get the same gain', () => {
    const l = noise(48000, 4, 3)
    const r = Float32Array.from(l, (v) => v * 0.5)
    const { out } = limit(l, r, 48000)
    for (let n = 0; n < l.length; n += 97) {
      if (Math.abs(l[n]!) > 0.01) expect(out[1][n]! / out[0][n]!).toBeCloseTo(0.5, 5)
    }
  })
})
