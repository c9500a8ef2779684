import { nativeImage, type BrowserWindow } from 'electron'

// A small waveform glyph under the pointer while a WAV is dragged out (startDrag needs an icon).
const ICON = nativeImage.createFromDataURL(
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAATklEQVR4nGNgoCaICjjxnxgxnBqRFWMTw2kgsmJ0jbhoFDYuA3AZiCKGTRO6AfjEiVaICxOtkL4GkOUFsgOR4mikekIiKynjk8SrgRoAAP7uUPpeSjJ2AAAAAElFTkSuQmCC',
)

/** Electron's native drag of a file out of `window` (the renderer calls it during dragstart). */
export function startDragFrom(window: () => BrowserWindow | undefined): (path: string) => void {
  return (path) => {
    const target = window()
    if (target && !target.isDestroyed()) target.webContents.startDrag({ file: path, icon: ICON })
  }
}
