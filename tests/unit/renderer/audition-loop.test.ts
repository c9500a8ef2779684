import { describe, expect, it } from 'vitest'
import {
  clampLoop,
  formatOfFileName,
  howlerFormat,
  sharedLoop,
  wrapInLoop,
} from '../../../src/renderer/src/lib/audition/loop'

describe('audition loops', () => {
  it('wraps past the loop end by the overshoot, and leaves positions inside alone', () => {
    const loop = { start: 2, end: 4 }
    expect(wrapInLoop(3.9, loop)).toBeNull()
    expect(wrapInLoop(4.25, loop)).toBeCloseTo(2.25)
    expect(wrapInLoop(6.5, loop)).toBeCloseTo(2.5)
    expect(wrapInLoop(10, null)).toBeNull()
  })

  it('clamps a region into the sound, either way round, and refuses a click-sized one', () => {
    expect(clampLoop({ start: 5, end: 1 }, 4)).toEqual({ start: 1, end: 4 })
    expect(clampLoop({ start: 1, end: 1.1 }, 4)).toBeNull()
  })

  it('A/B loops over the length both takes share', () => {
    expect(sharedLoop(8, 6.5, null)).toEqual({ start: 0, end: 6.5 })
    expect(sharedLoop(8, 6.5, { start: 3, end: 9 })).toEqual({ start: 3, end: 6.5 })
  })

  it("names howler's format for stored audio and dropped files", () => {
    expect(howlerFormat('ogg-vorbis')).toBe('ogg')
    expect(howlerFormat('ogg-opus')).toBe('opus')
    expect(howlerFormat('aiff')).toBe('wav')
    expect(formatOfFileName('Take 1.WAV')).toBe('wav')
    expect(formatOfFileName('hum.m4a')).toBeNull()
  })
})
