import { describe, expect, it } from 'vitest'
import { clicksBetween } from '../../../src/renderer/src/lib/playback/clicks'
import {
  SHORTCUTS,
  commandFor,
  modPrefix,
  onMac,
  shortcutHint,
  type KeyPress,
} from '../../../src/renderer/src/timeline/shortcuts'

const RATE = 48000

describe('metronome clicks', () => {
  // 120 bpm: a beat every 0.5 s (24,000 samples), 4/4.
  const tempo = { bpm: 120, beatsPerBar: 4 }

  it('clicks on every beat of the grid, accenting the first beat of each bar', () => {
    // Playback from 0 sounding at audio time 10 s.
    const segments = [{ when: 10, from: 0, to: RATE * 4 }]
    const clicks = clicksBetween(segments, 10, 12.6, RATE, tempo)
    expect(clicks.map((click) => click.at)).toEqual([10, 10.5, 11, 11.5, 12, 12.5])
    expect(clicks.map((click) => click.accent)).toEqual([true, false, false, false, true, false])
  })

  it('starting between beats, the first click is the next beat of the bar grid', () => {
    // From 0.75 s (beat 1.5) at audio time 2: beat 2 (at 1 s) sounds 0.25 s later.
    const segments = [{ when: 2, from: RATE * 0.75, to: RATE * 10 }]
    const clicks = clicksBetween(segments, 0, 3.3, RATE, tempo)
    // Beat 4 of the grid (2 s of timeline, audio 3.25 s) begins bar 2: accented.
    expect(clicks).toEqual([
      { at: 2.25, accent: false },
      { at: 2.75, accent: false },
      { at: 3.25, accent: true },
    ])
    // In 3/4, bar 2 begins at beat 3 (1.5 s of timeline, audio 2.75 s).
    expect(clicksBetween(segments, 2.7, 2.8, RATE, { bpm: 120, beatsPerBar: 3 })).toEqual([
      { at: 2.75, accent: true },
    ])
  })

  it('follows a loop pass after pass, each window clicked once', () => {
    // Loop 1 s..2 s (beats 2 and 3), two passes back to back from audio time 5.
    const segments = [
      { when: 5, from: RATE, to: RATE * 2 },
      { when: 6, from: RATE, to: RATE * 2 },
    ]
    const first = clicksBetween(segments, 5, 5.8, RATE, tempo)
    const second = clicksBetween(segments, 5.8, 7, RATE, tempo)
    expect([...first, ...second].map((click) => click.at)).toEqual([5, 5.5, 6, 6.5])
  })

  it('follows the tempo it is given', () => {
    const segments = [{ when: 0, from: 0, to: RATE * 10 }]
    expect(clicksBetween(segments, 0, 1.01, RATE, { bpm: 60, beatsPerBar: 4 })).toHaveLength(2)
    expect(clicksBetween(segments, 0, 1.01, RATE, { bpm: 180, beatsPerBar: 4 })).toHaveLength(4)
  })
})

function press(key: string, modifiers: Partial<KeyPress> = {}): KeyPress {
  return { key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...modifiers }
}

describe('shortcuts', () => {
  it('names the modifier ⌘ on Apple systems and Ctrl elsewhere, in hints as in the overlay', () => {
    const macintosh = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36'
    const linux = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36'
    expect(onMac(macintosh)).toBe(true)
    expect(onMac(linux)).toBe(false)
    expect(modPrefix(onMac(macintosh))).toBe('⌘')
    expect(modPrefix(onMac(linux))).toBe('Ctrl+')
  })

  it("writes a command's keys for a button or a menu from the same table", () => {
    expect(shortcutHint('undo', false)).toBe('Ctrl+Z')
    expect(shortcutHint('undo', true)).toBe('⌘Z')
    expect(shortcutHint('redo', false)).toBe('Ctrl+Shift+Z')
    expect(shortcutHint('redo', true)).toBe('⌘Shift+Z')
    expect(shortcutHint('duplicate', false)).toBe('Ctrl+D')
    expect(shortcutHint('start', false)).toBe('Home')
    expect(shortcutHint('delete', false)).toBe('Delete')
    // One alternative of a pair: the second command of "Alt+↑ or Alt+↓".
    expect(shortcutHint('wavesShorter', false)).toBe('Alt+↓')
    expect(shortcutHint('forward4', false)).toBe('Shift+→')
    expect(shortcutHint('help', false)).toBe('?')
  })

  it('finds the command of a key press in the one shortcut list', () => {
    expect(commandFor(press(' '))).toBe('toggle')
    expect(commandFor(press('k'))).toBe('metronome')
    expect(commandFor(press('z', { ctrlKey: true }))).toBe('undo')
    expect(commandFor(press('Z', { metaKey: true, shiftKey: true }))).toBe('redo')
    expect(commandFor(press('y', { ctrlKey: true }))).toBe('redo')
    expect(commandFor(press('ArrowLeft'))).toBe('back')
    expect(commandFor(press('ArrowRight', { shiftKey: true }))).toBe('forward4')
    expect(commandFor(press('ArrowUp', { altKey: true }))).toBe('wavesTaller')
    expect(commandFor(press('ArrowDown', { altKey: true }))).toBe('wavesShorter')
    expect(commandFor(press('=', {}))).toBe('zoomIn')
    expect(commandFor(press('+', { shiftKey: true }))).toBe('zoomIn')
    expect(commandFor(press('-'))).toBe('zoomOut')
    expect(commandFor(press('?', { shiftKey: true }))).toBe('help')
    expect(commandFor(press('Escape'))).toBe('escape')
    expect(commandFor(press('Backspace'))).toBe('delete')
  })

  it('a modifier the shortcut does not name makes it another key press', () => {
    expect(commandFor(press('d'))).toBeNull()
    expect(commandFor(press('s', { ctrlKey: true }))).toBeNull()
    expect(commandFor(press('ArrowUp'))).toBeNull()
    expect(commandFor(press('k', { altKey: true }))).toBeNull()
    expect(commandFor(press('x'))).toBeNull()
  })

  it('every key shortcut listed is reachable and no two share a key press', () => {
    const seen = new Map<string, string>()
    for (const group of SHORTCUTS) {
      for (const item of group.items) {
        if (!item.command) continue
        const commands = typeof item.command === 'string' ? null : item.command
        if (commands) expect(commands).toHaveLength(item.keys.length)
        for (const combo of item.keys) {
          const id = combo.join('+')
          expect(seen.get(id), `${id} is listed twice`).toBeUndefined()
          seen.set(id, item.action)
        }
      }
    }
    expect(seen.size).toBeGreaterThan(20)
  })
})
