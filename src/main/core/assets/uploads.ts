import { readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../app-error'

/**
 * Browser mode's dropped files arrive by HTTP upload (src/main/host/uploads.ts) into this folder
 * of the data directory, one file per upload id, and are imported from there by id.
 */
export const UPLOADS_DIR = 'uploads'

/** Uploads left behind (a closed tab, a crash) are removed once this old. */
const STALE_UPLOAD_MS = 24 * 60 * 60 * 1000

export function uploadPath(dataDir: string, uploadId: string): string {
  return join(dataDir, UPLOADS_DIR, uploadId)
}

/** The path of a finished upload of `size` bytes; refused when it is missing or incomplete. */
export async function finishedUpload(
  dataDir: string,
  uploadId: string,
  name: string,
  size: number,
): Promise<string> {
  const path = uploadPath(dataDir, uploadId)
  const received = await stat(path).then(
    (stats) => (stats.isFile() ? stats.size : -1),
    () => -1,
  )
  if (received !== size) {
    throw new AppError(
      'not_found',
      `${name}: its upload is missing or incomplete (${Math.max(received, 0)} of ${size} bytes): drop the file again`,
    )
  }
  return path
}

export async function removeUpload(dataDir: string, uploadId: string): Promise<void> {
  await rm(uploadPath(dataDir, uploadId), { force: true })
}

/** Removes uploads no one finished; a missing folder is fine. */
export async function sweepUploads(dataDir: string, now: number): Promise<void> {
  const dir = join(dataDir, UPLOADS_DIR)
  const names = await readdir(dir).catch(() => [] as string[])
  for (const name of names) {
    const path = join(dir, name)
    const stats = await stat(path).catch(() => null)
    if (stats && now - stats.mtimeMs > STALE_UPLOAD_MS) await rm(path, { force: true })
  }
}
