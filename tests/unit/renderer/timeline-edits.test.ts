import { describe, expect, it } from 'vitest'
import type { Clip } from '../../../src/shared/domain'
import { clipsByTrack, dragPreview } from '../../../src/renderer/src/timeline/edits'
import { rulerTicks, formatSeconds } from '../../../src/renderer/src/timeline/ruler'
import { MIN_PPS, Viewport } from '../../../src/renderer/src/timeline/state/viewport.svelte'
import type { TimelineContent } from '../../../src/renderer/src/timeline/state/content.svelte'
import { peakLevelFor } from '../../../src/renderer/src/timeline/peaks-cache'

function clip(fields: Partial<Clip> & { id: string }): Clip {
  return {
    trackId: 't1',
    assetId: 'a1',
    start: 0,
    offset: 0,
    length: 1000,
    gainDb: 0,
    fadeIn: 0,
    fadeOut: 0,
    ...fields,
  }
}

const order = ['t1', 't2', 't3']

describe('dragPreview', () => {
  it('moves the selection together, snapping the grabbed clip, across tracks', () => {
    const a = clip({ id: 'a', start: 1000 })
    const b = clip({ id: 'b', start: 3000, trackId: 't2' })
    const preview = dragPreview({
      kind: 'move',
      primary: a,
      originals: new Map([
        ['a', a],
        ['b', b],
      ]),
      delta: 990,
      laneDelta: 1,
      trackOrder: order,
      snap: { edges: [5000], gridSamples: null, thresholdSamples: 20 },
      assetLength: 1000,
    })
    // a's end (1990 + 1000) is not near 5000; a's start is not either: no snap, moved by 990.
    expect(preview.get('a')).toMatchObject({ start: 1990, trackId: 't2' })
    expect(preview.get('b')).toMatchObject({ start: 3990, trackId: 't3' })
  })

  it('snaps to an edge within reach and keeps every clip inside the tracks and after 0', () => {
    const a = clip({ id: 'a', start: 1000, trackId: 't3' })
    const preview = dragPreview({
      kind: 'move',
      primary: a,
      originals: new Map([['a', a]]),
      delta: 3005,
      laneDelta: 4,
      trackOrder: order,
      snap: { edges: [5000], gridSamples: null, thresholdSamples: 20 },
      assetLength: 1000,
    })
    expect(preview.get('a')).toMatchObject({ start: 4000, trackId: 't3' })
    const left = dragPreview({
      kind: 'move',
      primary: a,
      originals: new Map([['a', a]]),
      delta: -5000,
      laneDelta: -9,
      trackOrder: order,
      snap: null,
      assetLength: 1000,
    })
    expect(left.get('a')).toMatchObject({ start: 0, trackId: 't1' })
  })

  it('trims either edge within the source', () => {
    const a = clip({ id: 'a', start: 1000, offset: 100, length: 500 })
    const base = {
      primary: a,
      originals: new Map([['a', a]]),
      laneDelta: 0,
      trackOrder: order,
      snap: null,
      assetLength: 800,
    }
    expect(dragPreview({ ...base, kind: 'trim-start', delta: -300 }).get('a')).toMatchObject({
      start: 900,
      offset: 0,
      length: 600,
    })
    expect(dragPreview({ ...base, kind: 'trim-end', delta: 1000 }).get('a')).toMatchObject({
      start: 1000,
      length: 700,
    })
  })
})

describe('clipsByTrack', () => {
  it('shows a previewed clip on its new track', () => {
    const a = clip({ id: 'a' })
    const map = clipsByTrack(
      [
        { id: 't1', clips: [a] },
        { id: 't2', clips: [] },
      ],
      new Map([['a', { ...a, trackId: 't2' }]]),
    )
    expect(map.get('t1')).toEqual([])
    expect(map.get('t2')?.map((c) => c.id)).toEqual(['a'])
  })
})

describe('ruler and peaks level', () => {
  it('labels seconds with a readable step', () => {
    const ticks = rulerTicks(0, 10, 100, 48000, null)
    const labels = ticks.filter((tick) => tick.label).map((tick) => tick.label)
    expect(labels.slice(0, 3)).toEqual(['0:00', '0:01', '0:02'])
    expect(formatSeconds(61.25, 0.01)).toBe('1:01.25')
  })

  it('labels an hour-long view zoomed all the way out every ten minutes or more', () => {
    const ticks = rulerTicks(0, 7200, MIN_PPS, 48000, null)
    const labels = ticks.filter((tick) => tick.label).map((tick) => tick.label)
    // 64 pixels at least between labels: 640 s at the lowest zoom, so every 20 minutes.
    expect(labels.slice(0, 3)).toEqual(['0:00', '20:00', '40:00'])
  })

  it('fits an hour-long project in the view', () => {
    let pps = 100
    const content = { endSamples: 3600 * 48000, rate: 48000 } as TimelineContent
    const view = new Viewport(content, { get: () => pps, set: (value) => (pps = value) })
    view.viewWidth = 744
    view.fit()
    expect(view.xOf(3600 * 48000)).toBeLessThanOrEqual(744)
    expect(view.xOf(3600 * 48000)).toBeGreaterThan(700)
  })

  it('labels bars and beats with a tempo', () => {
    const ticks = rulerTicks(0, 4, 200, 48000, { bpm: 120, timeSignature: [4, 4] })
    const labelled = ticks.filter((tick) => tick.label)
    expect(labelled.slice(0, 5).map((tick) => tick.label)).toEqual(['1', '1.2', '1.3', '1.4', '2'])
    expect(labelled[4]!.samples).toBe(96000)
    const far = rulerTicks(0, 600, 2, 48000, { bpm: 120, timeSignature: [4, 4] })
    expect(far.every((tick) => tick.major)).toBe(true)
  })

  it('asks for about one peak per pixel, never finer than stored', () => {
    expect(peakLevelFor(48000, 1000)).toBe(256)
    expect(peakLevelFor(48000, 10)).toBe(4096)
    expect(peakLevelFor(44100, 40)).toBe(1024)
  })
})
