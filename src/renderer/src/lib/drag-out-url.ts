import type { DragOutFile } from '../../../shared/domain'
import { mediaUrl } from './media'

/** Chromium's DownloadURL drag data: `<mime>:<file name>:<absolute URL>`. */
export function downloadUrlData(file: DragOutFile, base: string): string {
  return `audio/wav:${file.fileName}:${new URL(mediaUrl(file.assetId), base).href}`
}
