import { describe, expect, it } from 'vitest'
import {
  DRAG_THRESHOLD_PX,
  followPress,
  pastThreshold,
  type PointerAt,
} from '../../../src/renderer/src/timeline/drag'

/** A pointer event as the helper reads it: its type and where the pointer is. */
function pointer(type: string, clientX: number, clientY = 0): Event & PointerAt {
  return Object.assign(new Event(type), { clientX, clientY })
}

/** Follows a press at (100, 50) on a private event target; records what the helper reports. */
function press(options: { threshold?: number; axis?: 'x' | 'xy' } = {}) {
  const target = new EventTarget()
  const seen: string[] = []
  followPress(pointer('pointerdown', 100, 50), target, {
    ...options,
    onmove: (event) => seen.push(`move ${event.clientX},${event.clientY}`),
    onend: (event) => seen.push(`end ${event.clientX}`),
    onclick: (event) => seen.push(`click ${event.clientX}`),
    oncancel: () => seen.push('cancel'),
  })
  const send = (type: string, x: number, y = 50) => target.dispatchEvent(pointer(type, x, y))
  return { seen, send }
}

describe('the drag helper', () => {
  it('measures travel in a straight line, or along x alone', () => {
    expect(pastThreshold(2, 2, 3)).toBe(false)
    expect(pastThreshold(3, 0, 3)).toBe(true)
    expect(pastThreshold(2, 3, 3)).toBe(true)
    expect(pastThreshold(3, 30, 4, 'x')).toBe(false)
    expect(pastThreshold(-4, 0, 4, 'x')).toBe(true)
  })

  it('a press that stays under the threshold is a click and moves nothing', () => {
    const { seen, send } = press()
    send('pointermove', 101, 51)
    send('pointerup', 101, 51)
    expect(seen).toEqual(['click 101'])
  })

  it('past the threshold every move is reported, and the release ends the drag', () => {
    const { seen, send } = press()
    send('pointermove', 101)
    send('pointermove', 100 + DRAG_THRESHOLD_PX)
    // Back near the start: still a drag.
    send('pointermove', 100)
    send('pointerup', 100)
    expect(seen).toEqual(['move 103,50', 'move 100,50', 'end 100'])
  })

  it('along x, vertical travel never starts a drag', () => {
    const { seen, send } = press({ axis: 'x', threshold: 4 })
    send('pointermove', 100, 90)
    send('pointermove', 104, 90)
    send('pointerup', 104, 90)
    expect(seen).toEqual(['move 104,90', 'end 104'])
  })

  it('a canceled press is reported once and then no longer followed', () => {
    const { seen, send } = press()
    send('pointermove', 110)
    send('pointercancel', 110)
    send('pointermove', 120)
    send('pointerup', 120)
    expect(seen).toEqual(['move 110,50', 'cancel'])
  })
})
