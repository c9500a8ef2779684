import { describe, expect, it } from 'vitest'
import {
  designResampler,
  resample,
  resampledLength,
  resampleRange,
  StreamResampler,
} from '../../../src/main/core/audio/dsp/resample'
import { pcmReader } from '../../../src/main/core/audio/dsp/pcm'
import { maxDiff, powerSpectrum, rng, sine } from '../../helpers/audio'

const db = (x: number) => 10 * Math.log10(x)

/** Power spectrum of the middle `size` frames (away from the edges). */
function middleSpectrum(x: Float32Array, size: number): Float64Array {
  const start = Math.floor((x.length - size) / 2)
  return powerSpectrum(x.subarray(start, start + size))
}

/** Level (dB) of the strongest bin outside ±guard bins of `bin`, relative to the bin's peak. */
function worstSpur(p: Float64Array, bin: number, guard: number): number {
  let peak = 0
  for (let k = bin - guard; k <= bin + guard; k++) peak = Math.max(peak, p[k] ?? 0)
  let spur = 0
  for (let k = 1; k < p.length; k++) if (Math.abs(k - bin) > guard) spur = Math.max(spur, p[k]!)
  return db(spur / peak)
}

/** Frequency of a tone from its zero crossings (upward), in Hz. */
function zeroCrossingFrequency(x: Float32Array, rate: number): number {
  let first = -1
  let last = -1
  let count = 0
  for (let i = 1; i < x.length; i++) {
    if (x[i - 1]! < 0 && x[i]! >= 0) {
      const t = i - 1 + x[i - 1]! / (x[i - 1]! - x[i]!)
      if (first < 0) first = t
      else count++
      last = t
    }
  }
  return (count * rate) / (last - first)
}

describe('resample', () => {
  it('gives exactly round(N · ratio) frames, one-shot and streamed', () => {
    const random = rng(1)
    for (const [from, to] of [
      [32000, 48000],
      [32000, 44100],
      [44100, 48000],
      [48000, 44100],
      [48000, 32000],
      [22050, 48000],
      [48000, 48000],
    ] as const) {
      for (const n of [0, 1, 2, 99, 1000, 32001]) {
        const x = new Float32Array(n).map(() => random() - 0.5)
        const expected = Math.round((n * to) / from)
        expect(resampledLength(n, from, to)).toBe(expected)
        const out = resample({ sampleRate: from, channels: [x] }, to)
        expect(out.sampleRate).toBe(to)
        expect(out.channels[0]!.length).toBe(expected)
      }
    }
  })

  it('keeps a 1 kHz sine at 1 kHz with its amplitude (32k → 48k and 44.1k)', () => {
    for (const to of [48000, 44100]) {
      const x = sine(32000, 1000, 32000, 0.5)
      const y = resample({ sampleRate: 32000, channels: [x] }, to).channels[0]!
      const f = zeroCrossingFrequency(y.subarray(1000, y.length - 1000), to)
      expect(Math.abs(f - 1000)).toBeLessThan(0.01)
      // Sample-accurate timing: the output matches the ideal sine at the new rate.
      const ideal = sine(to, 1000, y.length, 0.5)
      expect(maxDiff([y.subarray(500, -500)], [ideal.subarray(500, -500)])).toBeLessThan(1e-5)
    }
  })

  it('keeps images of a 15 kHz tone below -100 dB (32k → 44.1k)', () => {
    const x = sine(32000, 15000, 3 * 32000, 0.9)
    const y = resample({ sampleRate: 32000, channels: [x] }, 44100).channels[0]!
    const size = 1 << 17
    const p = middleSpectrum(y, size)
    const bin = Math.round((15000 * size) / 44100)
    const spur = worstSpur(p, bin, 12)
    console.log(`32k→44.1k, 15 kHz tone: worst spur ${spur.toFixed(1)} dB`)
    expect(spur).toBeLessThan(-100)
  })

  it('keeps the images of a 20 Hz–15.9 kHz sweep below -90 dB (32k → 44.1k and 48k)', () => {
    const rate = 32000
    const seconds = 8
    const n = rate * seconds
    const f0 = 20
    const f1 = 15900
    const x = new Float32Array(n)
    for (let i = 0; i < n; i++) {
      const t = i / rate
      x[i] = 0.9 * Math.sin(2 * Math.PI * (f0 * t + ((f1 - f0) * t * t) / (2 * seconds)))
    }
    for (const to of [44100, 48000]) {
      const y = resample({ sampleRate: rate, channels: [x] }, to).channels[0]!
      const size = 1 << 18
      const p = powerSpectrum(y.subarray(0, size))
      // Passband density of the sweep (it covers 20 Hz … the frequency reached at `size` frames).
      const reached = f0 + ((f1 - f0) * (size / to)) / seconds
      let band = 0
      let bandBins = 0
      for (
        let k = Math.round((1000 * size) / to);
        k < Math.round(((reached - 500) * size) / to);
        k++
      ) {
        band += p[k]!
        bandBins++
      }
      const density = band / bandBins
      // Everything above the input Nyquist frequency is image: it must be at least 90 dB down.
      let worst = 0
      for (let k = Math.round((16100 * size) / to); k < p.length; k++)
        worst = Math.max(worst, p[k]!)
      const level = db(worst / density)
      console.log(`32k→${to / 1000}k sweep: worst image bin ${level.toFixed(1)} dB re. sweep`)
      expect(level).toBeLessThan(-90)
    }
  })

  it('rejects aliasing when downsampling (48k → 32k, a 20 kHz tone)', () => {
    const x = sine(48000, 20000, 48000 * 2, 0.9)
    const y = resample({ sampleRate: 48000, channels: [x] }, 32000).channels[0]!
    const size = 1 << 15
    const p = middleSpectrum(y, size)
    let worst = 0
    for (let k = 1; k < p.length; k++) worst = Math.max(worst, p[k]!)
    const ref = middleSpectrum(sine(32000, 12000, 32000 * 2, 0.9), size)
    let peak = 0
    for (let k = 1; k < ref.length; k++) peak = Math.max(peak, ref[k]!)
    const level = db(worst / peak)
    console.log(`48k→32k, 20 kHz tone: alias ${level.toFixed(1)} dB`)
    expect(level).toBeLessThan(-100)
  })

  it('is flat in the passband (≤ 0.01 dB up to 90% of Nyquist)', () => {
    for (const f of [100, 5000, 10000, 14000]) {
      const x = sine(32000, f, 32000, 0.5)
      const y = resample({ sampleRate: 32000, channels: [x] }, 48000).channels[0]!
      let peak = 0
      for (let i = 2000; i < y.length - 2000; i++) peak = Math.max(peak, Math.abs(y[i]!))
      expect(Math.abs(20 * Math.log10(peak / 0.5))).toBeLessThan(0.01)
    }
  })
})

describe('StreamResampler and resampleRange', () => {
  it('streamed chunks and random ranges equal the one-shot result exactly', () => {
    const random = rng(7)
    for (const [from, to] of [
      [32000, 48000],
      [32000, 44100],
      [48000, 44100],
      [44100, 32000],
    ] as const) {
      const n = 20011
      const x = [
        new Float32Array(n).map(() => random() - 0.5),
        new Float32Array(n).map(() => random() - 0.5),
      ]
      const whole = resample({ sampleRate: from, channels: x }, to).channels
      const stream = new StreamResampler(from, to, 2)
      const parts: Float32Array[][] = []
      for (let pos = 0; pos < n;) {
        const k = Math.min(n - pos, 1 + Math.floor(random() * 3000))
        parts.push(stream.process(x.map((ch) => ch.subarray(pos, pos + k))))
        pos += k
      }
      parts.push(stream.flush())
      const joined = [0, 1].map((c) => {
        const out = new Float32Array(parts.reduce((s, p) => s + p[c]!.length, 0))
        let o = 0
        for (const p of parts) {
          out.set(p[c]!, o)
          o += p[c]!.length
        }
        return out
      })
      expect(maxDiff(joined, whole)).toBe(0)
      const filter = designResampler(from, to)
      const reader = pcmReader({ sampleRate: from, channels: x })
      for (const [start, count] of [
        [0, 10],
        [777, 1234],
        [whole[0]!.length - 5, 5],
      ] as const) {
        const part = resampleRange(filter, reader, start, count)
        expect(
          maxDiff(
            part,
            whole.map((ch) => ch.subarray(start, start + count)),
          ),
        ).toBe(0)
      }
    }
  })

  it('uses exact polyphase tables for common ratios and handles awkward ones', () => {
    expect(designResampler(32000, 48000)).toMatchObject({ up: 3, down: 2 })
    expect(designResampler(32000, 44100)).toMatchObject({ up: 441, down: 320 })
    const odd = designResampler(44057, 48000)
    expect(odd.table).toBeNull()
    const x = sine(44057, 1000, 44057, 0.5)
    const y = resample({ sampleRate: 44057, channels: [x] }, 48000).channels[0]!
    expect(y.length).toBe(resampledLength(44057, 44057, 48000))
    const ideal = sine(48000, 1000, y.length, 0.5)
    expect(maxDiff([y.subarray(500, -500)], [ideal.subarray(500, -500)])).toBeLessThan(1e-5)
  })
})
