import { describe, expect, it } from 'vitest'
import { measureLoudness } from '../../../src/main/core/audio/dsp/loudness'
import type { PcmAudio } from '../../../src/main/core/audio/dsp/pcm'
import { resample } from '../../../src/main/core/audio/dsp/resample'
import { alignSeam, normalizedCrossCorrelation } from '../../../src/main/core/audio/dsp/seam'
import { continuation, noise, RATE, scaled } from '../../helpers/seam-signals'

describe('normalizedCrossCorrelation', () => {
  it('matches a direct computation', () => {
    const a = noise(300, 1, 1)
    const b = noise(257, 2, 1)
    for (let i = 0; i < 200; i++) b[i + 20] = b[i + 20]! + a[i + 5]! * 2
    const maxLag = 40
    const fast = normalizedCrossCorrelation(a, b, maxLag)
    for (let k = -maxLag; k <= maxLag; k++) {
      let r = 0
      let ea = 0
      let eb = 0
      for (let i = Math.max(0, -k); i < Math.min(a.length, b.length - k); i++) {
        r += a[i]! * b[i + k]!
        ea += a[i]! ** 2
        eb += b[i + k]! ** 2
      }
      expect(fast[k + maxLag]).toBeCloseTo(r / Math.sqrt(ea * eb), 9)
    }
    expect(fast.indexOf(Math.max(...fast)) - maxLag).toBe(15)
  })

  it('is 0 where a side is silent', () => {
    const out = normalizedCrossCorrelation(new Float32Array(100), noise(100, 3, 1), 5)
    expect([...out]).toEqual(new Array<number>(11).fill(0))
  })
})

describe('alignSeam', () => {
  for (const k of [-37, 0, 12, 480]) {
    it(`finds a lag of ${k} samples through a 48k → 32k → 48k round trip`, () => {
      const { tail, head } = continuation(3, k, 100 + k)
      const result = alignSeam(tail, head, RATE)
      expect(result.lagSamples).toBe(k)
      expect(result.aligned).toBe(true)
      expect(result.correlation).toBeGreaterThan(0.95)
      expect(Math.abs(result.gainDb)).toBeLessThan(0.1)
      expect(result.gainMethod).toBe('bs1770')
    })
  }

  // Its speed is measured in bench/seam.bench.ts.
  it('aligns and matches a 10 s overlap at 48 kHz', () => {
    const { tail, head } = continuation(10, -203, 7, { gainDb: -4.2 })
    const result = alignSeam(tail, head, RATE)
    expect(result.lagSamples).toBe(-203)
    expect(result.gainDb).toBeGreaterThan(4.2 - 0.5)
    expect(result.gainDb).toBeLessThan(4.2 + 0.5)
  })

  it('aligns a mono result on a stereo parent', () => {
    const { tail, head } = continuation(3, 480, 9, { gainDb: -4.2, mono: true })
    const result = alignSeam(tail, head, RATE)
    expect(result.lagSamples).toBe(480)
    expect(Math.abs(result.gainDb - 4.2)).toBeLessThan(0.5)
  })

  it('matches loudness within 0.5 dB (BS.1770)', () => {
    for (const db of [-4.2, 3, -12]) {
      const { tail, head } = continuation(4, 12, 11, { gainDb: db })
      const result = alignSeam(tail, head, RATE)
      expect(result.gainMethod).toBe('bs1770')
      expect(Math.abs(result.gainDb + db)).toBeLessThan(0.5)
      // Applying the gain brings the overlap to the parent's loudness.
      const fixed = resample(scaled(head, result.gainDb), RATE)
      const lp = measureLoudness(tail).integratedLufs
      const lr = measureLoudness(fixed).integratedLufs
      expect(Math.abs(lp - lr)).toBeLessThan(0.5)
    }
  })

  it('falls back to RMS for an overlap shorter than 400 ms', () => {
    const { tail, head } = continuation(0.3, 12, 5, { gainDb: -4.2 })
    const result = alignSeam(tail, head, RATE)
    expect(result.lagSamples).toBe(12)
    expect(result.gainMethod).toBe('rms')
    expect(Math.abs(result.gainDb - 4.2)).toBeLessThan(0.5)
  })

  it('does not trust unrelated noise: lag 0 and not aligned', () => {
    const n = 2 * RATE
    const tail: PcmAudio = { sampleRate: RATE, channels: [noise(n, 1, 0.3), noise(n, 2, 0.3)] }
    const head: PcmAudio = { sampleRate: 32000, channels: [noise(64000, 3, 0.3)] }
    const result = alignSeam(tail, head, RATE)
    expect(result.aligned).toBe(false)
    expect(result.lagSamples).toBe(0)
    expect(Math.abs(result.correlation)).toBeLessThan(0.1)
    expect(Number.isFinite(result.gainDb)).toBe(true)
  })

  it('handles silence on either side', () => {
    const silent: PcmAudio = { sampleRate: RATE, channels: [new Float32Array(RATE)] }
    const { tail } = continuation(1, 0, 3)
    const a = alignSeam(silent, { sampleRate: 32000, channels: [new Float32Array(32000)] }, RATE)
    expect(a).toEqual({
      lagSamples: 0,
      correlation: 0,
      aligned: false,
      gainDb: 0,
      gainMethod: 'none',
    })
    const b = alignSeam(tail, silent, RATE)
    expect(b).toMatchObject({ lagSamples: 0, aligned: false, gainDb: 0, gainMethod: 'none' })
    const empty = alignSeam(
      { sampleRate: RATE, channels: [new Float32Array(0)] },
      { sampleRate: 32000, channels: [] },
      RATE,
    )
    expect(empty).toMatchObject({ lagSamples: 0, aligned: false, gainDb: 0 })
  })
})
