import { describe, expect, it } from 'vitest'
import type { Clip } from '../../../src/shared/domain'
import { fadeEnvelope, setFade } from '../../../src/shared/timeline'
import {
  fadeCurvePoints,
  formatGain,
  gainAfterDrag,
} from '../../../src/renderer/src/timeline/clip-handles'
import { dragPreview, type DragInput } from '../../../src/renderer/src/timeline/edits'
import { fadeCurve, fadeGain } from '../../../src/renderer/src/lib/playback/scheduler'
import { drawLane, type LaneClip } from '../../../src/renderer/src/timeline/waveform'
import { nameParts } from '../../../src/renderer/src/components/name-parts'
import { squarePeaks, TEST_LANE_COLORS } from '../../helpers/lanes'

function clip(fields: Partial<Clip> = {}): Clip {
  return {
    id: 'c',
    trackId: 't1',
    assetId: 'a1',
    start: 1000,
    offset: 0,
    length: 10_000,
    gainDb: 0,
    fadeIn: 0,
    fadeOut: 0,
    ...fields,
  }
}

function drag(kind: DragInput['kind'], primary: Clip, delta: number, deltaY = 0, fine = false) {
  return dragPreview({
    kind,
    primary,
    originals: new Map([[primary.id, primary]]),
    delta,
    laneDelta: 0,
    deltaY,
    fine,
    trackOrder: ['t1'],
    snap: null,
    assetLength: 20_000,
  }).get(primary.id)!
}

describe('fade handles', () => {
  it('dragging the fade-in handle right lengthens the fade, left shortens it to zero', () => {
    expect(drag('fade-in', clip(), 2500).fadeIn).toBe(2500)
    expect(drag('fade-in', clip({ fadeIn: 2000 }), -500).fadeIn).toBe(1500)
    expect(drag('fade-in', clip({ fadeIn: 2000 }), -5000).fadeIn).toBe(0)
  })

  it('dragging the fade-out handle left lengthens the fade', () => {
    expect(drag('fade-out', clip(), -3000).fadeOut).toBe(3000)
    expect(drag('fade-out', clip({ fadeOut: 3000 }), 1000).fadeOut).toBe(2000)
  })

  it('a fade stops where the other begins, and only the fade changes', () => {
    const before = clip({ fadeOut: 4000 })
    const after = drag('fade-in', before, 9000)
    expect(after).toEqual({ ...before, fadeIn: 6000 })
    expect(setFade(clip({ fadeIn: 7000 }), 'out', 5000).fadeOut).toBe(3000)
    expect(setFade(clip(), 'in', 12.6).fadeIn).toBe(13)
  })
})

describe('gain handle', () => {
  it('up raises, down lowers, in 0.1 dB steps, within the contract bounds', () => {
    expect(gainAfterDrag(0, -8, false)).toBe(2)
    expect(gainAfterDrag(0, 12, false)).toBe(-3)
    expect(gainAfterDrag(-3, 10, true)).toBe(-3.5)
    expect(gainAfterDrag(0, -1000, false)).toBe(12)
    expect(gainAfterDrag(0, 1000, false)).toBe(-60)
    expect(drag('gain', clip({ gainDb: -1 }), 999, 4).gainDb).toBe(-2)
    expect(drag('gain', clip(), 999, 4)).toEqual({ ...clip(), gainDb: -1 })
  })

  it('reads as a level meter writes it', () => {
    expect(formatGain(0)).toBe('0.0 dB')
    expect(formatGain(-0.04)).toBe('0.0 dB')
    expect(formatGain(1.5)).toBe('+1.5 dB')
    expect(formatGain(-3)).toBe('−3.0 dB')
  })
})

describe('fade curves', () => {
  it('the envelope drawn is the curve playback schedules (equal power)', () => {
    const fadeIn = 4000
    const fadeOut = 2000
    const length = 10_000
    for (const p of [0, 0.1, 0.25, 0.5, 0.9, 1]) {
      expect(fadeEnvelope(p * fadeIn, length, fadeIn, fadeOut)).toBeCloseTo(fadeGain('in', p), 9)
      const out = length - fadeOut + p * fadeOut
      expect(fadeEnvelope(out, length, fadeIn, fadeOut)).toBeCloseTo(fadeGain('out', p), 9)
    }
    expect(fadeEnvelope(5000, length, fadeIn, fadeOut)).toBe(1)
    expect(fadeEnvelope(0, length, 0, 0)).toBe(1)
    // Half way through a fade-in, equal power: −3 dB.
    expect(20 * Math.log10(fadeEnvelope(2000, length, fadeIn, 0))).toBeCloseTo(-3.01, 2)
    const curve = fadeCurve({ kind: 'in', at: 0, duration: 1, from: 0, to: 1 }, 1, 5)
    expect(curve[2]).toBeCloseTo(fadeEnvelope(2000, length, fadeIn, 0), 6)
  })

  it('the SVG curve runs from silence to full over the fade', () => {
    const points = fadeCurvePoints('in', 10, 100, 4).split(' ')
    expect(points[0]).toBe('10.00,100.00')
    expect(points[4]).toBe('110.00,0.00')
    const out = fadeCurvePoints('out', 0, 50, 2).split(' ')
    expect(out).toEqual(['0.00,0.00', '25.00,29.29', '50.00,100.00'])
  })
})

describe('drawn waveform', () => {
  const RATE = 48000
  const peaks = squarePeaks(2000, -0.25, 0.25)
  const base: LaneClip = {
    start: 0,
    offset: 0,
    length: RATE * 4,
    gainDb: 0,
    assetRate: RATE,
    peaks,
    fadeIn: 0,
    fadeOut: 0,
    selected: false,
  }
  const colors = { ...TEST_LANE_COLORS, grid: 1, gridMajor: 2 }
  const view = {
    scrollSeconds: 0,
    pixelsPerSecond: 25,
    sampleRate: RATE,
    ratio: 1,
    top: 0,
    bottom: 0,
  }
  /** Drawn height of column x. */
  function heights(clipFields: Partial<LaneClip>, waveZoom = 1): number[] {
    const width = 100
    const height = 100
    const image = { width, height, data: new Uint8ClampedArray(width * height * 4) }
    drawLane(image, { ...view, waveZoom }, [{ ...base, ...clipFields }], [], colors)
    const pixels = new Uint32Array(image.data.buffer)
    return Array.from({ length: width }, (_, x) => {
      let count = 0
      for (let y = 0; y < height; y++) if (pixels[y * width + x] === colors.wave) count++
      return count
    })
  }

  it('vertical zoom scales the drawn height and stays inside the lane', () => {
    expect(heights({})[10]).toBe(26)
    expect(heights({}, 2)[10]).toBe(50)
    expect(heights({}, 16)[10]).toBe(100)
  })

  it('fades shape the drawn waveform as they shape the sound', () => {
    // 4 s at 25 px/s: 100 px; a 2 s fade-in covers the first 50 columns.
    const faded = heights({ fadeIn: RATE * 2 })
    expect(faded[1]!).toBeLessThan(4)
    expect(faded[25]!).toBeGreaterThan(faded[5]!)
    expect(faded[75]).toBe(heights({})[75])
  })
})

describe('track names in a narrow header', () => {
  it('keeps the part that tells names apart whole', () => {
    expect(nameParts('Track 1 (copy)')).toEqual({ head: 'Track 1', tail: ' (copy)' })
    expect(nameParts('Keys (continuation)')).toEqual({ head: 'Keys', tail: ' (continuation)' })
    expect(nameParts('Lead synth 2')).toEqual({ head: 'Lead synth', tail: ' 2' })
    expect(nameParts('Drums')).toEqual({ head: 'Drums', tail: '' })
    // A long parenthesis is cut like the rest; a name that is only a parenthesis is kept as is.
    expect(nameParts('Pad (a very long description)').tail).toBe('')
    expect(nameParts('(copy)')).toEqual({ head: '(copy)', tail: '' })
  })
})
