// Every keyboard shortcut of the timeline, as the help overlay lists them.

export interface Shortcut {
  /** Alternatives, each a combination of key names; "Mod" is Ctrl, or ⌘ on a Mac. */
  keys: string[][]
  action: string
}

export interface ShortcutGroup {
  title: string
  items: Shortcut[]
}

export const SHORTCUTS: readonly ShortcutGroup[] = [
  {
    title: 'Transport',
    items: [
      { keys: [['Space']], action: 'Play / pause' },
      { keys: [['Home']], action: 'Playhead to the start' },
      { keys: [['End']], action: 'Playhead to the end' },
      { keys: [['←'], ['→']], action: 'Move the playhead a beat (a second without tempo)' },
      {
        keys: [
          ['Shift', '←'],
          ['Shift', '→'],
        ],
        action: 'Move the playhead four beats',
      },
      { keys: [['L']], action: 'Loop on/off (over the selection, or the last region)' },
    ],
  },
  {
    title: 'Editing',
    items: [
      { keys: [['Click']], action: 'Select a clip' },
      { keys: [['Shift', 'Click']], action: 'Add to or remove from the selection' },
      { keys: [['Mod', 'A']], action: 'Select every clip' },
      { keys: [['Drag']], action: 'Move clips (also to another track)' },
      { keys: [['Drag edge']], action: 'Trim a clip' },
      { keys: [['Alt', 'Drag']], action: 'Move or trim without snapping' },
      { keys: [['S']], action: 'Split at the playhead' },
      { keys: [['Mod', 'D']], action: 'Duplicate the selection' },
      { keys: [['Delete'], ['Backspace']], action: 'Delete the selection' },
      { keys: [['Mod', 'Z']], action: 'Undo' },
      {
        keys: [
          ['Mod', 'Shift', 'Z'],
          ['Mod', 'Y'],
        ],
        action: 'Redo',
      },
      { keys: [['Esc']], action: 'Clear the selection' },
    ],
  },
  {
    title: 'View',
    items: [
      { keys: [['+'], ['−']], action: 'Zoom in / out' },
      { keys: [['Mod', 'Wheel'], ['Pinch']], action: 'Zoom around the pointer' },
      { keys: [['Wheel'], ['Shift', 'Wheel']], action: 'Scroll the timeline' },
      { keys: [['F']], action: 'Fit the whole project' },
      { keys: [['N']], action: 'Snap on/off' },
      { keys: [['Drag on ruler']], action: 'Set a loop region' },
      { keys: [['?']], action: 'This help' },
    ],
  },
]

export function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.userAgent)
}

export function keyLabel(key: string, mac: boolean): string {
  return key === 'Mod' ? (mac ? '⌘' : 'Ctrl') : key
}
