import { describe, expect, it } from 'vitest'
import {
  dbToGain,
  fadeCurve,
  planPlayback,
  positionAt,
  projectEnd,
  silentTracks,
  trackGains,
  type PlanClip,
  type PlanTrack,
} from '../../../src/renderer/src/lib/playback/scheduler'

const RATE = 48000

function clip(fields: Partial<PlanClip> & { id: string }): PlanClip {
  return {
    trackId: 't1',
    assetId: 'a1',
    start: 0,
    offset: 0,
    length: RATE,
    gainDb: 0,
    fadeIn: 0,
    fadeOut: 0,
    ...fields,
  }
}

function track(id: string, clips: PlanClip[], fields: Partial<PlanTrack> = {}): PlanTrack {
  return { id, gainDb: 0, mute: false, solo: false, clips, ...fields }
}

describe('planPlayback', () => {
  it('starts each clip at its exact sample time, from its offset, for its length', () => {
    const tracks = [
      track('t1', [clip({ id: 'c1', start: 12_345, offset: 480, length: 24_000 })]),
      track('t2', [clip({ id: 'c2', trackId: 't2', start: 96_000, length: 4_800, gainDb: -6 })]),
    ]
    const plan = planPlayback({ tracks, sampleRate: RATE, from: 0, to: 200_000, when: 10 })
    expect(plan).toHaveLength(2)
    expect(plan[0]).toMatchObject({ clipId: 'c1', trackId: 't1' })
    expect(plan[0]!.when).toBe(10 + 12_345 / RATE)
    expect(plan[0]!.offset).toBe(480 / RATE)
    expect(plan[0]!.duration).toBe(24_000 / RATE)
    expect(plan[1]!.when).toBe(12)
    expect(plan[1]!.gain).toBeCloseTo(dbToGain(-6), 12)
  })

  it('starts mid-clip from the right offset and trims to the end of the span', () => {
    const tracks = [track('t1', [clip({ id: 'c1', start: 1000, offset: 200, length: 10_000 })])]
    const [source] = planPlayback({ tracks, sampleRate: RATE, from: 4000, to: 8000, when: 2 })
    expect(source!.when).toBe(2)
    expect(source!.offset).toBe((200 + 3000) / RATE)
    expect(source!.duration).toBe(4000 / RATE)
  })

  it('leaves out clips outside the span, muted tracks and tracks silenced by a solo', () => {
    const tracks = [
      track('t1', [clip({ id: 'before', start: 0, length: 100 })]),
      track('t2', [clip({ id: 'muted', trackId: 't2', start: 500 })], { mute: true }),
      track('t3', [clip({ id: 'solo', trackId: 't3', start: 500 })], { solo: true }),
      track('t4', [clip({ id: 'other', trackId: 't4', start: 500 })]),
    ]
    const plan = planPlayback({ tracks, sampleRate: RATE, from: 200, to: 10_000, when: 0 })
    expect(plan.map((source) => source.clipId)).toEqual(['solo'])
    expect(trackGains(tracks)).toEqual(
      new Map([
        ['t1', 0],
        ['t2', 0],
        ['t3', 1],
        ['t4', 0],
      ]),
    )
  })

  it('names the silent tracks the timeline dims: muted, or silenced by a solo elsewhere', () => {
    const plain = [track('t1', []), track('t2', [], { mute: true })]
    expect([...silentTracks(plain)]).toEqual(['t2'])
    const soloed = [
      ...plain,
      track('t3', [], { solo: true }),
      track('t4', [], { solo: true, mute: true }),
    ]
    expect([...silentTracks(soloed)].sort()).toEqual(['t1', 't2', 't4'])
  })

  it('skips assets that are not decoded', () => {
    const tracks = [track('t1', [clip({ id: 'c1' }), clip({ id: 'c2', assetId: 'a2' })])]
    const plan = planPlayback({
      tracks,
      sampleRate: RATE,
      from: 0,
      to: RATE,
      when: 0,
      ready: (assetId) => assetId === 'a2',
    })
    expect(plan.map((source) => source.clipId)).toEqual(['c2'])
  })

  it('schedules equal-power fades, partial when playback starts inside one', () => {
    const tracks = [
      track('t1', [clip({ id: 'c1', start: 0, length: 48_000, fadeIn: 4800, fadeOut: 9600 })]),
    ]
    const whole = planPlayback({ tracks, sampleRate: RATE, from: 0, to: 48_000, when: 1 })[0]!
    expect(whole.initialFade).toBe(0)
    expect(whole.fades).toEqual([
      { kind: 'in', at: 1, duration: 0.1, from: 0, to: 1 },
      { kind: 'out', at: 1 + 38_400 / RATE, duration: 0.2, from: 0, to: 1 },
    ])
    const late = planPlayback({ tracks, sampleRate: RATE, from: 2400, to: 48_000, when: 0 })[0]!
    expect(late.initialFade).toBeCloseTo(Math.sin(Math.PI / 4), 12)
    expect(late.fades[0]).toMatchObject({ kind: 'in', from: 0.5, to: 1, duration: 0.05 })
    const tail = planPlayback({ tracks, sampleRate: RATE, from: 43_200, to: 48_000, when: 0 })[0]!
    expect(tail.fades).toHaveLength(1)
    expect(tail.initialFade).toBeCloseTo(Math.cos(Math.PI / 4), 12)
  })

  it('builds fade curves whose squares sum to one across a crossfade', () => {
    const segment = { kind: 'in' as const, at: 0, duration: 1, from: 0, to: 1 }
    const fadeIn = fadeCurve(segment, 1, 33)
    const fadeOut = fadeCurve({ ...segment, kind: 'out' }, 1, 33)
    expect(fadeIn[0]).toBe(0)
    expect(fadeIn[32]).toBeCloseTo(1, 12)
    for (let i = 0; i < 33; i++) expect(fadeIn[i]! ** 2 + fadeOut[i]! ** 2).toBeCloseTo(1, 6)
    expect(fadeCurve(segment, 0.5, 2)[1]).toBeCloseTo(0.5, 6)
  })
})

describe('positionAt', () => {
  it('follows the audio clock through loop passes', () => {
    const segments = [
      { when: 1, from: 24_000, to: 48_000 },
      { when: 1.5, from: 0, to: 48_000 },
    ]
    expect(positionAt(segments, 0.5, RATE)).toBe(24_000)
    expect(positionAt(segments, 1.25, RATE)).toBe(36_000)
    expect(positionAt(segments, 1.75, RATE)).toBe(12_000)
    expect(positionAt(segments, 9, RATE)).toBe(48_000)
    expect(positionAt([], 1, RATE)).toBeNull()
  })

  it('knows where the project ends', () => {
    expect(projectEnd([track('t1', [clip({ id: 'a', start: 10, length: 5 })])])).toBe(15)
  })
})
