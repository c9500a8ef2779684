import { readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'

/** How long an unreferenced blob is kept: longer than any commit takes to get its asset row. */
export const BLOB_GRACE_MS = 10 * 60_000
/** How long a temporary file is kept: longer than any write into it can pause. */
export const TEMP_GRACE_MS = 60 * 60_000

export interface SweepResult {
  /** Paths removed, relative to the store's root. */
  removed: string[]
  bytes: number
}

const BLOB_NAME = /^([0-9a-f]{64})\.[a-z0-9]{1,8}$/
const SHARD = /^[0-9a-f]{2}$/
/** A blob's playable WAV copy (media.ts), or one being written: `<blob>.wav[.<random>.part]`. */
const MEDIA_COPY = /^([0-9a-f]{64}\.[a-z0-9]{1,8})\.wav(\.[0-9a-f]+\.part)?$/

/**
 * Removes what no asset needs any more from a content store at `root`: blobs whose name is not
 * in `referenced` (the audio of deleted projects) and temporary files in `tmp` (writes a crash
 * cut short). Files changed within their grace period are kept, so that a blob being committed
 * or written is never taken. Other files are left alone. The caller keeps commits out meanwhile.
 */
export async function sweepStore(
  root: string,
  tmp: string,
  referenced: ReadonlySet<string>,
  now: number,
): Promise<SweepResult> {
  const result: SweepResult = { removed: [], bytes: 0 }
  const remove = async (dir: string, name: string, graceMs: number): Promise<void> => {
    const path = join(dir, name)
    const info = await stat(path).catch(() => null)
    if (!info?.isFile() || now - info.mtimeMs < graceMs) return
    await rm(path, { force: true })
    result.removed.push(path.slice(root.length + 1))
    result.bytes += info.size
  }
  for (const name of await listDir(tmp)) {
    if (name.endsWith('.part')) await remove(tmp, name, TEMP_GRACE_MS)
  }
  for (const shard of await listDir(root)) {
    if (!SHARD.test(shard)) continue
    const dir = join(root, shard)
    for (const name of await listDir(dir)) {
      const blob = BLOB_NAME.exec(name)
      if (blob && blob[1]!.startsWith(shard) && !referenced.has(name)) {
        await remove(dir, name, BLOB_GRACE_MS)
      }
      const copy = MEDIA_COPY.exec(name)
      if (copy && !referenced.has(copy[1]!)) await remove(dir, name, BLOB_GRACE_MS)
      else if (copy?.[2]) await remove(dir, name, TEMP_GRACE_MS)
    }
  }
  return result
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return []
    throw error
  }
}
