import { describe, expect, it } from 'vitest'
import { renderMix, type RenderClip } from '../../../src/main/core/audio/dsp/render'
import {
  barsBeats,
  beatSamples,
  clipBoundsProblem,
  duplicateClip,
  equalPowerGains,
  framesAtRate,
  gridLine,
  moveClip,
  placeContinuation,
  snapSpan,
  snapTime,
  splitClip,
  trimEnd,
  trimStart,
  type ClipWindow,
} from '../../../src/shared/timeline'

const parentAt = (
  start: number,
  length: number,
  extra: Partial<ClipWindow & { gainDb: number }> = {},
) => ({
  start,
  offset: 0,
  length,
  fadeIn: 0,
  fadeOut: 0,
  gainDb: 0,
  ...extra,
})

describe('placeContinuation', () => {
  it('places a 30 s result over the last 10 s of a parent at 48 kHz', () => {
    const resultFrames = framesAtRate(30 * 32000, 32000, 48000)
    const p = placeContinuation({
      parent: parentAt(48000, 480000, { gainDb: -2 }),
      projectRate: 48000,
      contextSeconds: 10,
      resultFrames,
    })
    expect(resultFrames).toBe(1_440_000)
    expect(p.seam).toBe(528000)
    expect(p.resultStart).toBe(48000)
    expect(p.crossfadeSamples).toBe(2400) // 50 ms
    expect(p.clip).toEqual({
      start: 525600,
      offset: 477600,
      length: 962400,
      gainDb: -2,
      fadeIn: 2400,
      fadeOut: 0,
    })
    expect(p.parent).toEqual({ length: 480000, fadeOut: 2400 })
    // The new clip runs to R's end.
    expect(p.clip.start + p.clip.length).toBe(p.resultStart + resultFrames)
  })

  it('is exact for several contexts, rates, lags and offsets', () => {
    const cases = [
      { rate: 48000, W: 10, lag: 0, start: 0, offset: 0, length: 960000 },
      { rate: 44100, W: 7.5, lag: 12, start: 1000, offset: 500, length: 441000 },
      { rate: 44100, W: 10 / 3, lag: -37, start: 12345, offset: 0, length: 200000 },
      { rate: 48000, W: 0.1234, lag: 480, start: 7, offset: 3, length: 96000 },
      { rate: 48000, W: 5, lag: -2400, start: 0, offset: 96000, length: 240000 },
    ]
    for (const c of cases) {
      const w = Math.round(c.W * c.rate)
      const resultFrames = w + 5 * c.rate
      const parent = parentAt(c.start, c.length, { offset: c.offset })
      const p = placeContinuation({
        parent,
        projectRate: c.rate,
        contextSeconds: c.W,
        resultFrames,
        lagSamples: c.lag,
      })
      const seam = c.start + c.length
      const X = p.crossfadeSamples
      expect(p.contextSamples).toBe(w)
      expect(p.seam).toBe(seam)
      for (const v of Object.values(p.clip)) expect(Number.isInteger(v)).toBe(true)
      // R[w + lag] (the first new frame) plays at the seam.
      expect(p.clip.offset + (seam - p.clip.start)).toBe(w + c.lag)
      expect(p.resultStart).toBe(seam - w - c.lag)
      // The fades cover the same X samples, ending at the seam.
      expect(p.clip.start).toBe(seam - X)
      expect(p.clip.fadeIn).toBe(X)
      expect(p.parent.fadeOut).toBe(X)
      expect(X).toBe(Math.min(Math.round(0.05 * c.rate), w + c.lag))
      expect(p.clip.offset).toBeGreaterThanOrEqual(0)
      expect(clipBoundsProblem({ ...p.clip }, resultFrames)).toBeNull()
    }
  })

  it('is seamless when rendered: parent before the crossfade, the result from the seam', () => {
    const rate = 8000
    const total = 3 * rate
    const signal = new Float32Array(total)
    for (let i = 0; i < total; i++) signal[i] = Math.sin(i * 0.05) * 0.5 + Math.sin(i * 0.31) * 0.2
    const parentLength = 2 * rate // the parent plays signal[0, 2 s)
    const W = 0.5
    const w = W * rate
    const lag = 7
    // A perfect model output: R[i + lag] = signal[parentLength - w + i].
    const resultFrames = w + rate
    const R = signal.slice(parentLength - w - lag, parentLength - w - lag + resultFrames)
    const p = placeContinuation({
      parent: parentAt(0, parentLength),
      projectRate: rate,
      contextSeconds: W,
      resultFrames,
      lagSamples: lag,
    })
    const clip = (c: Omit<RenderClip, 'source'>, source: Float32Array): RenderClip => ({
      ...c,
      source: { sampleRate: rate, channels: [source] },
    })
    const mix = renderMix(
      {
        sampleRate: rate,
        tracks: [
          {
            gainDb: 0,
            mute: false,
            solo: false,
            clips: [
              clip({ ...parentAt(0, parentLength), ...p.parent }, signal.slice(0, parentLength)),
              clip(p.clip, R),
            ],
          },
        ],
      },
      0,
      p.clip.start + p.clip.length,
    )[0]
    const end = p.clip.start + p.clip.length
    for (let i = 0; i < end; i++) {
      if (i >= p.seam - p.crossfadeSamples && i < p.seam) continue
      expect(Math.abs(mix[i]! - signal[i]!)).toBeLessThan(1e-6)
    }
  })

  it('trims the parent back to the end of its context when it was edited meanwhile', () => {
    const p = placeContinuation({
      parent: parentAt(100, 50000, { offset: 1000 }),
      projectRate: 48000,
      contextSeconds: 0.5,
      contextEnd: 41000, // the context ended at source frame 41000 = timeline 40100
      resultFrames: 100000,
    })
    expect(p.parent.length).toBe(40000)
    expect(p.seam).toBe(40100)
    expect(p.clip.start).toBe(40100 - 2400)
    expect(() =>
      placeContinuation({
        parent: parentAt(0, 50000, { offset: 60000 }),
        projectRate: 48000,
        contextSeconds: 0.5,
        contextEnd: 41000,
        resultFrames: 100000,
      }),
    ).toThrow(RangeError)
  })

  it('shortens the crossfade when it does not fit, and folds the matched gain in', () => {
    const p = placeContinuation({
      parent: parentAt(0, 10000, { fadeIn: 9000, gainDb: -3 }),
      projectRate: 48000,
      contextSeconds: 0.1,
      resultFrames: 48000,
      crossfadeSamples: 4000,
      gainDb: 4.2,
    })
    expect(p.crossfadeSamples).toBe(1000)
    expect(p.clip.gainDb).toBeCloseTo(1.2, 12)
    expect(clipBoundsProblem({ ...parentAt(0, 10000, { fadeIn: 9000 }), ...p.parent }, 10000)).toBe(
      null,
    )
    const loud = placeContinuation({
      parent: parentAt(0, 10000, { gainDb: 10 }),
      projectRate: 48000,
      contextSeconds: 0.1,
      resultFrames: 48000,
      gainDb: 6,
    })
    expect(loud.clip.gainDb).toBe(12) // the contract's ceiling
    // A lag that eats the context leaves no room before the seam: no crossfade, offset 0.
    const tight = placeContinuation({
      parent: parentAt(0, 10000),
      projectRate: 48000,
      contextSeconds: 0.01,
      resultFrames: 48000,
      lagSamples: -480,
    })
    expect(tight.crossfadeSamples).toBe(0)
    expect(tight.clip.offset).toBe(0)
    expect(tight.clip.start).toBe(10000)
  })

  it('rejects a result with nothing after the overlap', () => {
    expect(() =>
      placeContinuation({
        parent: parentAt(0, 480000),
        projectRate: 48000,
        contextSeconds: 10,
        resultFrames: 480000,
      }),
    ).toThrow(/nothing after/)
  })
})

describe('equalPowerGains', () => {
  it('has constant power and the render.ts curves', () => {
    for (let p = 0; p <= 2400; p += 37) {
      const g = equalPowerGains(p, 2400)
      expect(g.fadeOut ** 2 + g.fadeIn ** 2).toBeCloseTo(1, 12)
      expect(g.fadeIn).toBeCloseTo(Math.sin(((Math.PI / 2) * p) / 2400), 12)
    }
    expect(equalPowerGains(0, 100)).toEqual({ fadeOut: 1, fadeIn: 0 })
    expect(equalPowerGains(100, 100).fadeOut).toBeCloseTo(0, 12)
    expect(equalPowerGains(50, 100).fadeIn).toBeCloseTo(Math.SQRT1_2, 12)
    expect(equalPowerGains(-5, 100)).toEqual({ fadeOut: 1, fadeIn: 0 })
    expect(equalPowerGains(3, 0)).toEqual({ fadeOut: 0, fadeIn: 1 })
  })
})

describe('tempo and ruler', () => {
  it('computes beats and bars', () => {
    expect(beatSamples(120, 48000)).toBe(24000)
    expect(beatSamples(128, 44100)).toBeCloseTo(20671.875, 9)
    expect(() => beatSamples(0, 48000)).toThrow(RangeError)
    expect(barsBeats(0, 120, [4, 4], 48000)).toEqual({
      bar: 1,
      beat: 1,
      fraction: 0,
      label: '1.1',
    })
    expect(barsBeats(24000 * 5 + 12000, 120, [4, 4], 48000)).toMatchObject({
      bar: 2,
      beat: 2,
      fraction: 0.5,
    })
    expect(barsBeats(24000 * 6, 120, [6, 8], 48000).label).toBe('2.1')
    expect(barsBeats(-1, 120, [4, 4], 48000).label).toBe('0.4')
  })

  it('puts rounded grid lines on their own beat with fractional beat lengths', () => {
    const step = beatSamples(128, 44100)
    for (let n = 0; n < 2000; n += 7) {
      const line = gridLine(n, step)
      const at = barsBeats(line, 128, [3, 4], 44100)
      expect(at.fraction).toBe(0)
      expect((at.bar - 1) * 3 + at.beat - 1).toBe(n)
      expect(barsBeats(line - 1, 128, [3, 4], 44100).fraction).toBeGreaterThan(0.99)
    }
  })
})

describe('snapTime', () => {
  const grid = { gridSamples: 24000, thresholdSamples: 500 }

  it('snaps to the nearest grid line within the threshold', () => {
    expect(snapTime(47700, grid)).toEqual({ samples: 48000, target: 'grid' })
    expect(snapTime(48499, grid)).toEqual({ samples: 48000, target: 'grid' })
    expect(snapTime(48600, grid)).toEqual({ samples: 48600, target: null })
    expect(snapTime(100, { ...grid, gridOrigin: 300 })).toEqual({ samples: 300, target: 'grid' })
    expect(snapTime(100, { thresholdSamples: 500 })).toEqual({ samples: 100, target: null })
  })

  it('snaps to clip edges, preferring the nearer target and edges on ties', () => {
    expect(snapTime(47700, { ...grid, edges: [47800] })).toEqual({ samples: 47800, target: 'edge' })
    expect(snapTime(47900, { ...grid, edges: [47700] })).toEqual({ samples: 48000, target: 'grid' })
    expect(snapTime(47900, { ...grid, edges: [47800] })).toEqual({ samples: 47800, target: 'edge' })
    expect(snapTime(10000, { edges: [9000, 10400, 10300], thresholdSamples: 500 })).toEqual({
      samples: 10300,
      target: 'edge',
    })
  })

  it('rounds fractional grids line by line', () => {
    const step = beatSamples(128, 44100)
    expect(snapTime(20671 * 100, { gridSamples: step, thresholdSamples: 1000 }).samples).toBe(
      Math.round(100 * step),
    )
  })

  it('snaps a moved span by whichever edge is nearer', () => {
    // The end (10000 + 37900) is 100 from 48000; the start 10000 is 2000 from 12000 / 24000.
    expect(snapSpan(10000, 37900, grid)).toEqual({ samples: 10100, target: 'grid' })
    expect(snapSpan(23900, 1000, grid)).toEqual({ samples: 24000, target: 'grid' })
    expect(snapSpan(5000, 1000, grid)).toEqual({ samples: 5000, target: null })
  })
})

describe('clip edits', () => {
  const clip = {
    id: 'c1',
    trackId: 't1',
    assetId: 'a1',
    start: 10000,
    offset: 2000,
    length: 20000,
    gainDb: -1,
    fadeIn: 500,
    fadeOut: 1000,
  }
  const assetLength = 30000

  it('moves, within the timeline and across tracks', () => {
    expect(moveClip(clip, 123.4)).toEqual({ ...clip, start: 123 })
    expect(moveClip(clip, -50)).toEqual({ ...clip, start: 0 })
    expect(moveClip(clip, 500, 't2')).toEqual({ ...clip, start: 500, trackId: 't2' })
    expect(clip.start).toBe(10000) // not mutated
  })

  it('trims the start, keeping the audio in place', () => {
    expect(trimStart(clip, 11000)).toEqual({ ...clip, start: 11000, offset: 3000, length: 19000 })
    // Not before the source's beginning.
    expect(trimStart(clip, 0)).toEqual({ ...clip, start: 8000, offset: 0, length: 22000 })
    // At least one sample; fades clamped into it.
    expect(trimStart(clip, 99999)).toEqual({
      ...clip,
      start: 29999,
      offset: 21999,
      length: 1,
      fadeIn: 1,
      fadeOut: 0,
    })
    // Not before the timeline's start.
    const early = { ...clip, start: 500, offset: 2000 }
    expect(trimStart(early, -1000)).toMatchObject({ start: 0, offset: 1500, length: 20500 })
  })

  it('trims the end within the source', () => {
    expect(trimEnd(clip, 25000, assetLength)).toEqual({ ...clip, length: 15000 })
    expect(trimEnd(clip, 99999, assetLength)).toEqual({ ...clip, length: 28000 })
    expect(trimEnd(clip, 0, assetLength)).toEqual({ ...clip, length: 1, fadeIn: 1, fadeOut: 0 })
    for (const end of [0, 12345, 25000, 99999]) {
      expect(clipBoundsProblem(trimEnd(clip, end, assetLength), assetLength)).toBeNull()
    }
  })

  it('splits into two clips that play the same audio back to back', () => {
    const parts = splitClip(clip, 15000)
    expect(parts).not.toBeNull()
    const [a, b] = parts!
    expect(a).toEqual({ ...clip, length: 5000, fadeOut: 0 })
    expect(b).toEqual({ ...clip, start: 15000, offset: 7000, length: 15000, fadeIn: 0 })
    expect(a.start + a.length).toBe(b.start)
    expect(b.offset - a.offset).toBe(b.start - a.start)
    expect(splitClip(clip, 10000)).toBeNull()
    expect(splitClip(clip, 30000)).toBeNull()
    const [c] = splitClip(clip, 10200)!
    expect(c).toMatchObject({ length: 200, fadeIn: 200 })
  })

  it('duplicates right after the clip or at a given start', () => {
    expect(duplicateClip(clip)).toEqual({ ...clip, start: 30000 })
    expect(duplicateClip(clip, 5)).toEqual({ ...clip, start: 5 })
  })
})
