import type { DragOutFile } from '../../../shared/domain'

/** A WAV ready to leave the window, with the URL its audio is served at. */
export interface PreparedDragOut extends DragOutFile {
  url: string
  preparedAt: number
}

/** Chromium's DownloadURL drag data: `<mime>:<file name>:<absolute URL>`. */
export function downloadUrlData(file: PreparedDragOut, base: string): string {
  return `audio/wav:${file.fileName}:${new URL(file.url, base).href}`
}
