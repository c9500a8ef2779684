// Every shortcut of the timeline, written once: the help overlay lists them and the keyboard
// handler finds the command of a key press here (commandFor).

/** What a key press asks the timeline to do. */
export type ShortcutCommand =
  | 'help'
  | 'escape'
  | 'toggle'
  | 'start'
  | 'end'
  | 'back'
  | 'forward'
  | 'back4'
  | 'forward4'
  | 'loop'
  | 'metronome'
  | 'selectAll'
  | 'split'
  | 'duplicate'
  | 'delete'
  | 'undo'
  | 'redo'
  | 'zoomIn'
  | 'zoomOut'
  | 'wavesTaller'
  | 'wavesShorter'
  | 'fit'
  | 'snap'

export interface Shortcut {
  /** Alternatives, each a combination of key names; "Mod" is Ctrl, or ⌘ on a Mac. */
  keys: string[][]
  action: string
  /**
   * The command the keys run: one for every alternative, or one per alternative (in order).
   * Pointer gestures (Click, Drag…) have none: they are listed to be learnt, not matched.
   */
  command?: ShortcutCommand | readonly ShortcutCommand[]
}

export interface ShortcutGroup {
  title: string
  items: Shortcut[]
}

export const SHORTCUTS: readonly ShortcutGroup[] = [
  {
    title: 'Transport',
    items: [
      { keys: [['Space']], action: 'Play / pause', command: 'toggle' },
      { keys: [['Home']], action: 'Playhead to the start', command: 'start' },
      { keys: [['End']], action: 'Playhead to the end', command: 'end' },
      {
        keys: [['←'], ['→']],
        action: 'Move the playhead a beat (a second without tempo)',
        command: ['back', 'forward'],
      },
      {
        keys: [
          ['Shift', '←'],
          ['Shift', '→'],
        ],
        action: 'Move the playhead four beats',
        command: ['back4', 'forward4'],
      },
      {
        keys: [['L']],
        action: 'Loop on/off (over the selection, or the last region)',
        command: 'loop',
      },
      { keys: [['K']], action: 'Metronome on/off (follows the tempo)', command: 'metronome' },
    ],
  },
  {
    title: 'Editing',
    items: [
      { keys: [['Click']], action: 'Select a clip' },
      { keys: [['Shift', 'Click']], action: 'Add to or remove from the selection' },
      { keys: [['Mod', 'A']], action: 'Select every clip', command: 'selectAll' },
      { keys: [['Drag']], action: 'Move clips (also to another track)' },
      { keys: [['Drag edge']], action: 'Trim a clip' },
      { keys: [['Drag top corner']], action: 'Fade in / fade out' },
      { keys: [['Drag dB']], action: 'Clip gain (up or down; Alt: fine)' },
      { keys: [['Alt', 'Drag']], action: 'Move or trim without snapping' },
      { keys: [['S']], action: 'Split at the playhead', command: 'split' },
      { keys: [['Mod', 'D']], action: 'Duplicate the selection', command: 'duplicate' },
      { keys: [['Delete'], ['Backspace']], action: 'Delete the selection', command: 'delete' },
      { keys: [['Mod', 'Z']], action: 'Undo', command: 'undo' },
      {
        keys: [
          ['Mod', 'Shift', 'Z'],
          ['Mod', 'Y'],
        ],
        action: 'Redo',
        command: 'redo',
      },
      { keys: [['Esc']], action: 'Clear the selection', command: 'escape' },
    ],
  },
  {
    title: 'View',
    items: [
      { keys: [['+'], ['−']], action: 'Zoom in / out', command: ['zoomIn', 'zoomOut'] },
      { keys: [['Mod', 'Wheel'], ['Pinch']], action: 'Zoom around the pointer' },
      { keys: [['Wheel'], ['Shift', 'Wheel']], action: 'Scroll the timeline' },
      { keys: [['Wheel on track names']], action: 'Scroll the tracks up and down' },
      {
        keys: [
          ['Alt', '↑'],
          ['Alt', '↓'],
        ],
        action: 'Taller / shorter waveforms (the audio is unchanged)',
        command: ['wavesTaller', 'wavesShorter'],
      },
      { keys: [['F']], action: 'Fit the whole project', command: 'fit' },
      { keys: [['N']], action: 'Snap on/off', command: 'snap' },
      { keys: [['Drag on ruler']], action: 'Set a loop region' },
      { keys: [['?']], action: 'This help', command: 'help' },
    ],
  },
]

/** True on a Mac, iPad or iPhone, where "Mod" is ⌘ (elsewhere Ctrl). */
export function onMac(userAgent: string): boolean {
  return /Mac|iPhone|iPad/.test(userAgent)
}

export function keyLabel(key: string, mac: boolean): string {
  return key === 'Mod' ? (mac ? '⌘' : 'Ctrl') : key
}

/** What "Mod" is written as before a key in a hint: "⌘" ("⌘D") or "Ctrl+" ("Ctrl+D"). */
export function modPrefix(mac: boolean): string {
  return mac ? keyLabel('Mod', mac) : `${keyLabel('Mod', mac)}+`
}

/**
 * The keys of `command` as a button's hint or a menu shows them ("Ctrl+Shift+Z", "⌘D", "Home"):
 * the first alternative written above for it.
 */
export function shortcutHint(command: ShortcutCommand, mac: boolean): string {
  for (const group of SHORTCUTS) {
    for (const item of group.items) {
      const commands = typeof item.command === 'string' ? [item.command] : (item.command ?? [])
      const index = typeof item.command === 'string' ? 0 : commands.indexOf(command)
      if (!commands.includes(command)) continue
      const combo = item.keys[index] ?? item.keys[0] ?? []
      return combo
        .map((key, at) =>
          key === 'Mod' ? modPrefix(mac) : at < combo.length - 1 ? `${key}+` : key,
        )
        .join('')
    }
  }
  return ''
}

/** The key press fields a shortcut is matched on (a KeyboardEvent has them). */
export interface KeyPress {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  shiftKey: boolean
}

/** `event.key` values of the key names written above that are not the key itself. */
const EVENT_KEYS: Readonly<Record<string, readonly string[]>> = {
  Space: [' '],
  Esc: ['Escape'],
  '←': ['ArrowLeft'],
  '→': ['ArrowRight'],
  '↑': ['ArrowUp'],
  '↓': ['ArrowDown'],
  '+': ['+', '='],
  '−': ['-', '_', '−'],
}
/** Keys typed with Shift on common layouts: Shift is not asked of them, nor refused. */
const SHIFTED = new Set(['?', '+', '−'])
const MODIFIERS = new Set(['Mod', 'Shift', 'Alt'])

function matches(combo: readonly string[], press: KeyPress): boolean {
  const main = combo.find((key) => !MODIFIERS.has(key))
  if (!main) return false
  const wanted = EVENT_KEYS[main] ?? [main]
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key
  if (!wanted.some((name) => (name.length === 1 ? name.toLowerCase() : name) === key)) return false
  if (combo.includes('Mod') !== (press.ctrlKey || press.metaKey)) return false
  if (combo.includes('Alt') !== press.altKey) return false
  if (!SHIFTED.has(main) && combo.includes('Shift') !== press.shiftKey) return false
  return true
}

/** The command of a key press, or null when it is no shortcut. */
export function commandFor(press: KeyPress): ShortcutCommand | null {
  for (const group of SHORTCUTS) {
    for (const item of group.items) {
      if (!item.command) continue
      for (const [index, combo] of item.keys.entries()) {
        if (!matches(combo, press)) continue
        return typeof item.command === 'string' ? item.command : (item.command[index] ?? null)
      }
    }
  }
  return null
}
