import { describe, expect, it } from 'vitest'
import type { Clip } from '../../../src/shared/domain'
import { LaneImage, clearRows, placeRows } from '../../../src/renderer/src/timeline/lane-image'
import { visibleLanes } from '../../../src/renderer/src/timeline/lanes'
import { squarePeaks, TEST_LANE_COLORS } from '../../helpers/lanes'
import {
  deviceScroll,
  drawLane,
  over,
  shiftLane,
  type LaneClip,
  type LanePixels,
} from '../../../src/renderer/src/timeline/waveform'

describe('visibleLanes', () => {
  it('builds the lanes crossing the visible band, with an overscan on each side', () => {
    // 88 px lanes, 600 px visible from 1000: lanes 11 (880–968) … 18 (1584–1672) are seen.
    expect(visibleLanes(1000, 600, 88, 50, 2)).toEqual({ first: 9, last: 21 })
    expect(visibleLanes(1000, 600, 88, 50, 0)).toEqual({ first: 11, last: 19 })
  })

  it('stays inside the list at both ends', () => {
    expect(visibleLanes(0, 600, 88, 50, 2)).toEqual({ first: 0, last: 9 })
    expect(visibleLanes(50 * 88 - 600, 600, 88, 50, 2)).toEqual({ first: 41, last: 50 })
    expect(visibleLanes(0, 600, 88, 3, 2)).toEqual({ first: 0, last: 3 })
    // Overscrolled (elastic scroll) or scrolled past a list that just shrank.
    expect(visibleLanes(-40, 600, 88, 50, 0)).toEqual({ first: 0, last: 7 })
    expect(visibleLanes(9000, 600, 88, 5, 1)).toEqual({ first: 3, last: 5 })
  })

  it('builds a few lanes before the height is known, none for an empty list', () => {
    expect(visibleLanes(0, 0, 88, 50, 2, 12)).toEqual({ first: 0, last: 12 })
    expect(visibleLanes(0, 600, 88, 0)).toEqual({ first: 0, last: 0 })
  })

  it('a lane exactly at the bottom edge is not built without overscan', () => {
    // 176 px visible from 0: lanes 0 and 1; lane 2 starts at the edge.
    expect(visibleLanes(0, 176, 88, 10, 0)).toEqual({ first: 0, last: 2 })
  })
})

function image(width: number, height: number): LanePixels {
  return { width, height, data: new Uint8ClampedArray(width * height * 4) }
}

function pixels(target: LanePixels): Uint32Array {
  return new Uint32Array(target.data.buffer)
}

describe('drawLane strips', () => {
  const RATE = 48000
  const peaks = {
    framesPerPeak: 256,
    count: 1000,
    channels: 1,
    pairs: [
      Float32Array.from({ length: 2000 }, (_, i) =>
        i % 2 === 0 ? -Math.abs(Math.sin(i / 50)) : Math.abs(Math.sin(i / 37)),
      ),
    ],
  }
  const clips: LaneClip[] = [
    {
      start: RATE / 2,
      offset: 0,
      length: RATE * 4,
      gainDb: 0,
      assetRate: RATE,
      peaks,
      fadeIn: RATE,
      fadeOut: 0,
      selected: false,
    },
    {
      start: RATE * 5,
      offset: RATE,
      length: RATE * 2,
      gainDb: -6,
      assetRate: RATE,
      peaks,
      fadeIn: 0,
      fadeOut: RATE / 2,
      selected: true,
    },
  ]
  const grid = [0, 1, 2, 3, 4, 5, 6, 7].map((s) => ({ samples: s * RATE, major: s % 2 === 0 }))
  const colors = TEST_LANE_COLORS
  const view = (scrollSeconds: number) => ({
    scrollSeconds,
    pixelsPerSecond: 40,
    sampleRate: RATE,
    ratio: 1,
    top: 4,
    bottom: 2,
  })

  it('a scrolled lane shifted plus its uncovered strip equals the lane drawn anew', () => {
    const width = 200
    const height = 40
    const shifted = image(width, height)
    drawLane(shifted, view(0.5), clips, grid, colors)
    const shift = deviceScroll(view(1.25)) - deviceScroll(view(0.5))
    expect(shift).toBe(30)
    shiftLane(shifted, shift)
    drawLane(shifted, view(1.25), clips, grid, colors, { from: width - shift, to: width })
    const fresh = image(width, height)
    drawLane(fresh, view(1.25), clips, grid, colors)
    expect(pixels(shifted)).toEqual(pixels(fresh))
    expect(pixels(fresh).some((pixel) => pixel === colors.wave)).toBe(true)
  })

  it('a lane scrolled back (to the left) shifted plus its uncovered strip equals it drawn anew', () => {
    const width = 200
    const height = 40
    const shifted = image(width, height)
    drawLane(shifted, view(1.25), clips, grid, colors)
    const shift = deviceScroll(view(0.5)) - deviceScroll(view(1.25))
    expect(shift).toBe(-30)
    shiftLane(shifted, shift)
    drawLane(shifted, view(0.5), clips, grid, colors, { from: 0, to: -shift })
    const fresh = image(width, height)
    drawLane(fresh, view(0.5), clips, grid, colors)
    expect(pixels(shifted)).toEqual(pixels(fresh))
  })

  it('drawing a strip leaves the columns outside it as they were', () => {
    const target = image(100, 20)
    pixels(target).fill(7)
    drawLane(target, view(0), clips, grid, colors, { from: 10, to: 30 })
    const out = pixels(target)
    for (let y = 0; y < 20; y++) {
      expect(out[y * 100 + 9]).toBe(7)
      expect(out[y * 100 + 30]).toBe(7)
      expect(out[y * 100 + 10]).not.toBe(7)
    }
  })
})

describe('placeRows and clearRows (the lanes canvas)', () => {
  const filled = (width: number, height: number, value: number) => {
    const target = image(width, height)
    pixels(target).fill(value)
    return target
  }

  it('copies a lane whole, or only the rows that overlap the target', () => {
    const target = filled(3, 6, 0)
    placeRows(target, filled(3, 2, 7), 1)
    expect([...pixels(target)]).toEqual([0, 0, 0, 7, 7, 7, 7, 7, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    // Half above the top, half below the bottom.
    placeRows(target, filled(3, 2, 8), -1)
    placeRows(target, filled(3, 2, 9), 5)
    expect(pixels(target).slice(0, 3)).toEqual(new Uint32Array([8, 8, 8]))
    expect(pixels(target).slice(15)).toEqual(new Uint32Array([9, 9, 9]))
    // Wholly outside: nothing.
    placeRows(target, filled(3, 2, 5), 6)
    placeRows(target, filled(3, 2, 5), -2)
    expect([...pixels(target)].includes(5)).toBe(false)
  })

  it('clears only the rows asked, inside the target', () => {
    const target = filled(2, 4, 3)
    clearRows(target, 1, 3)
    expect([...pixels(target)]).toEqual([3, 3, 0, 0, 0, 0, 3, 3])
    clearRows(target, -5, 1)
    clearRows(target, 3, 99)
    expect([...pixels(target)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0])
  })
})

describe('LaneImage', () => {
  const RATE = 48000
  const peaks = squarePeaks(4000, -0.5, 0.7)
  const clip = {
    id: 'c1',
    trackId: 't1',
    assetId: 'a1',
    start: RATE / 4,
    offset: 0,
    length: RATE * 3,
    gainDb: 0,
    fadeIn: RATE / 2,
    fadeOut: RATE / 3,
  }
  const input = (scrollSeconds: number) => ({
    view: {
      scrollSeconds,
      pixelsPerSecond: 100,
      sampleRate: RATE,
      ratio: 1,
      top: 4,
      bottom: 2,
    },
    clips: [clip] as unknown as Clip[],
    drawn: [{ ...clip, assetRate: RATE, peaks, selected: false }],
    grid: [
      { samples: RATE / 2, major: true },
      { samples: RATE, major: false },
      { samples: RATE * 2, major: true },
    ],
    gridKey: '',
    colors: TEST_LANE_COLORS,
    selected: '',
    peaksVersion: 0,
    width: 120,
    height: 30,
  })

  it('after a sideways scroll, shows what a lane drawn anew at that scroll shows', () => {
    const scrolled = new LaneImage()
    scrolled.paint(input(0))
    scrolled.paint(input(0.37))
    const shifted = [...pixels(scrolled.paint(input(0.21)))]
    const fresh = [...pixels(new LaneImage().paint(input(0.21)))]
    expect(shifted).toEqual(fresh)
    expect(fresh.includes(0xff0000ff)).toBe(true)
  })

  it('draws the waveform in when the lane says its peaks arrived', () => {
    const lane = new LaneImage()
    const waiting = {
      ...input(0),
      drawn: [{ ...clip, assetRate: RATE, peaks: undefined, selected: false }],
    }
    expect([...pixels(lane.paint(waiting))].includes(0xff0000ff)).toBe(false)
    const arrived = [...pixels(lane.paint({ ...input(0), peaksVersion: 1 }))]
    expect(arrived).toEqual([...pixels(new LaneImage().paint(input(0)))])
    expect(arrived.includes(0xff0000ff)).toBe(true)
  })

  it('draws again a clip that came back changed, not only one that is another object', () => {
    const lane = new LaneImage()
    lane.paint(input(0))
    const moved = { ...clip, start: clip.start + RATE / 2 }
    const changed = {
      ...input(0),
      clips: [moved] as unknown as Clip[],
      drawn: [{ ...moved, assetRate: RATE, peaks, selected: false }],
    }
    expect([...pixels(lane.paint(changed))]).toEqual([...pixels(new LaneImage().paint(changed))])
  })
})

describe('clip boxes on the lanes canvas', () => {
  const RATE = 48000
  const colors = TEST_LANE_COLORS
  const view = {
    scrollSeconds: 0,
    pixelsPerSecond: 10,
    sampleRate: RATE,
    ratio: 1,
    top: 4,
    bottom: 2,
  }
  // 1 s to 5 s at 10 px/s: columns 10 … 49, rows 3 … 36 of a 40-row lane (3 px inset).
  const box = (selected: boolean): LaneClip => ({
    start: RATE,
    offset: 0,
    length: RATE * 4,
    gainDb: 0,
    fadeIn: 0,
    fadeOut: 0,
    assetRate: RATE,
    peaks: undefined,
    selected,
  })
  const draw = (selected: boolean, grid: { samples: number; major: boolean }[] = []) => {
    const target = image(80, 40)
    drawLane(target, view, [box(selected)], grid, colors)
    const out = pixels(target)
    return (x: number, y: number) => out[y * 80 + x]
  }

  it('fills the box with a border, 2 px when selected, inside the lane inset', () => {
    const plain = draw(false)
    expect(plain(30, 20)).toBe(colors.clip)
    expect(plain(10, 20)).toBe(colors.clipBorder)
    expect(plain(11, 20)).toBe(colors.clip)
    expect(plain(49, 20)).toBe(colors.clipBorder)
    expect(plain(50, 20)).toBe(0)
    expect(plain(30, 3)).toBe(colors.clipBorder)
    expect(plain(30, 2)).toBe(0)
    expect(plain(30, 36)).toBe(colors.clipBorder)
    expect(plain(30, 37)).toBe(0)
    const chosen = draw(true)
    expect(chosen(10, 20)).toBe(colors.selectedBorder)
    expect(chosen(11, 20)).toBe(colors.selectedBorder)
    expect(chosen(12, 20)).toBe(colors.selected)
    expect(chosen(30, 4)).toBe(colors.selectedBorder)
    expect(chosen(30, 5)).toBe(colors.selected)
  })

  it('rounds the corners and shows the grid through the fill', () => {
    const drawn = draw(false, [{ samples: RATE * 3, major: true }])
    // The corner pixel stays what is under the box; a little further in is the border.
    expect(drawn(10, 3)).toBe(0)
    expect(drawn(13, 3)).toBe(colors.clipBorder)
    // The grid line at 3 s (column 30): outside the box as is, inside it seen through the fill.
    expect(drawn(30, 1)).toBe(colors.gridMajor)
    expect(drawn(30, 20)).toBe(over(colors.clip, colors.gridMajor))
    expect(drawn(30, 20)).not.toBe(colors.clip)
  })
})
