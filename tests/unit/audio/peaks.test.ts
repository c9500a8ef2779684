import { describe, expect, it } from 'vitest'
import {
  computePeaks,
  deserializePeaks,
  peaksAt,
  PeaksBuilder,
  serializePeaks,
  type PeakLevel,
} from '../../../src/main/core/audio/dsp/peaks'
import { rng } from '../../helpers/audio'

function signal(channels: number, frames: number, seed: number): Float32Array[] {
  const random = rng(seed)
  return Array.from({ length: channels }, (_, c) =>
    new Float32Array(frames).map(
      (_, i) => 0.8 * Math.sin(i / (50 + 30 * c)) * (random() * 1.2 - 0.1),
    ),
  )
}

function bruteForce(channels: Float32Array[], fpp: number): PeakLevel {
  const frames = channels[0]!.length
  const count = Math.ceil(frames / fpp)
  const min = channels.map(() => new Float32Array(count))
  const max = channels.map(() => new Float32Array(count))
  channels.forEach((ch, c) => {
    for (let i = 0; i < count; i++) {
      const part = ch.subarray(i * fpp, Math.min(frames, (i + 1) * fpp))
      min[c]![i] = Math.min(...part)
      max[c]![i] = Math.max(...part)
    }
  })
  return { framesPerPeak: fpp, count, min, max }
}

describe('PeaksBuilder', () => {
  it('computes min/max per channel at every resolution, whatever the chunking', () => {
    const frames = 100_000 + 123
    const audio = signal(2, frames, 1)
    const builder = new PeaksBuilder(2, [4096, 256, 1000])
    const random = rng(2)
    for (let pos = 0; pos < frames;) {
      const n = Math.min(frames - pos, 1 + Math.floor(random() * 7000))
      builder.push(audio.map((ch) => ch.subarray(pos, pos + n)))
      pos += n
    }
    const peaks = builder.finish()
    expect(peaks.frames).toBe(frames)
    expect(peaks.channels).toBe(2)
    expect(peaks.levels.map((l) => l.framesPerPeak)).toEqual([256, 1000, 4096])
    for (const level of peaks.levels) {
      expect(level).toEqual(bruteForce(audio, level.framesPerPeak))
    }
  })

  it('handles an empty input and a single partial bucket', () => {
    expect(new PeaksBuilder(1).finish().levels.every((l) => l.count === 0)).toBe(true)
    const peaks = computePeaks({
      sampleRate: 48000,
      channels: [new Float32Array([0.5, -0.25, 0.1])],
    })
    expect(peaks.levels[0]!.count).toBe(1)
    expect(peaks.levels[0]!.min[0]![0]).toBe(-0.25)
    expect(peaks.levels[1]!.max[0]![0]).toBe(0.5)
  })
})

describe('peaksAt', () => {
  const audio = signal(2, 50_000, 4)
  const peaks = computePeaks({ sampleRate: 48000, channels: audio })

  it('returns a stored level as it is', () => {
    expect(peaksAt(peaks, 4096)).toBe(peaks.levels[1])
  })

  it('derives a multiple of a stored resolution exactly', () => {
    expect(peaksAt(peaks, 1024)).toEqual(bruteForce(audio, 1024))
    expect(peaksAt(peaks, 8192)).toEqual(bruteForce(audio, 8192))
  })

  it('derives any other resolution conservatively', () => {
    const derived = peaksAt(peaks, 1000)
    const exact = bruteForce(audio, 1000)
    expect(derived.count).toBe(exact.count)
    for (let c = 0; c < 2; c++) {
      for (let i = 0; i < exact.count; i++) {
        expect(derived.min[c]![i]).toBeLessThanOrEqual(exact.min[c]![i]!)
        expect(derived.max[c]![i]).toBeGreaterThanOrEqual(exact.max[c]![i]!)
      }
    }
  })

  it('refuses resolutions finer than the finest stored one', () => {
    expect(() => peaksAt(peaks, 128)).toThrow(RangeError)
    expect(() => peaksAt(peaks, 0)).toThrow(RangeError)
  })
})

describe('serializePeaks', () => {
  it('round-trips within one Int16 step, never inside the true envelope', () => {
    const audio = signal(3, 70_001, 5)
    audio[0]![10] = 1.7 // beyond full scale: clamped
    audio[1]![20] = -1
    const peaks = computePeaks({ sampleRate: 44100, channels: audio })
    const blob = serializePeaks(peaks)
    expect(blob.length).toBe(
      20 + 8 * 2 + 3 * 4 * (Math.ceil(70_001 / 256) + Math.ceil(70_001 / 4096)),
    )
    const back = deserializePeaks(blob)
    expect(back.frames).toBe(70_001)
    expect(back.channels).toBe(3)
    peaks.levels.forEach((level, l) => {
      const other = back.levels[l]!
      expect(other.framesPerPeak).toBe(level.framesPerPeak)
      expect(other.count).toBe(level.count)
      for (let c = 0; c < 3; c++) {
        for (let i = 0; i < level.count; i++) {
          const mn = Math.max(-1, level.min[c]![i]!)
          const mx = Math.min(1, level.max[c]![i]!)
          expect(other.min[c]![i]).toBeLessThanOrEqual(mn)
          expect(mn - other.min[c]![i]!).toBeLessThan(1.01 / 32767)
          expect(other.max[c]![i]).toBeGreaterThanOrEqual(mx)
          expect(other.max[c]![i]! - mx).toBeLessThan(1.01 / 32767)
        }
      }
    })
    expect(back.levels[0]!.max[0]![0]).toBe(1)
  })

  it('rejects a blob that is not peaks or is cut short', () => {
    const blob = serializePeaks(computePeaks({ sampleRate: 8000, channels: signal(1, 5000, 6) }))
    expect(() => deserializePeaks(blob.subarray(0, blob.length - 1))).toThrow(RangeError)
    expect(() => deserializePeaks(new TextEncoder().encode('not peaks at all, really'))).toThrow(
      RangeError,
    )
  })
})
