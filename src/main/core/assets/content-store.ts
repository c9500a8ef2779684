import { createHash, randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'

export interface StoredBlob {
  sha256: string
  ext: string
  path: string
  size: number
  /** False when identical bytes were already in the store. */
  created: boolean
}

const EXT = /^[a-z0-9]{1,8}$/

/**
 * Audio files by content: `assets/<first two hex>/<sha256>.<ext>`. Writes go to a temporary file
 * in the same filesystem, are fsynced, then renamed, so a crash leaves either nothing or the file.
 */
export class ContentStore {
  readonly root: string
  readonly #tmp: string

  constructor(dataDir: string) {
    this.root = join(dataDir, 'assets')
    this.#tmp = join(this.root, 'tmp')
  }

  pathOf(sha256: string, ext: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256) || !EXT.test(ext)) {
      throw new Error(`not a content address: ${sha256}.${ext}`)
    }
    return join(this.root, sha256.slice(0, 2), `${sha256}.${ext}`)
  }

  async putBytes(bytes: Uint8Array, ext: string): Promise<StoredBlob> {
    return this.#put(ext, async (write) => {
      await write(bytes)
    })
  }

  /** Copies a file in chunks, hashing on the way, so large files never sit in memory. */
  async putFile(sourcePath: string, ext: string): Promise<StoredBlob> {
    return this.#put(ext, async (write) => {
      for await (const chunk of createReadStream(sourcePath, { highWaterMark: 1 << 20 })) {
        await write(chunk as Buffer)
      }
    })
  }

  async #put(
    ext: string,
    produce: (write: (chunk: Uint8Array) => Promise<void>) => Promise<void>,
  ): Promise<StoredBlob> {
    if (!EXT.test(ext)) throw new Error(`invalid extension ${ext}`)
    await mkdir(this.#tmp, { recursive: true })
    const tmpPath = join(this.#tmp, `${randomUUID()}.part`)
    const hash = createHash('sha256')
    let size = 0
    const file = await open(tmpPath, 'wx')
    try {
      await produce(async (chunk) => {
        hash.update(chunk)
        size += chunk.byteLength
        await file.write(chunk)
      })
      await file.sync()
    } catch (error) {
      await file.close()
      await rm(tmpPath, { force: true })
      throw error
    }
    await file.close()

    const sha256 = hash.digest('hex')
    const path = this.pathOf(sha256, ext)
    if (await exists(path)) {
      await rm(tmpPath, { force: true })
      return { sha256, ext, path, size, created: false }
    }
    const dir = join(this.root, sha256.slice(0, 2))
    await mkdir(dir, { recursive: true })
    await rename(tmpPath, path)
    await syncDirectory(dir)
    return { sha256, ext, path, size, created: true }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

async function syncDirectory(dir: string): Promise<void> {
  // Makes the rename itself durable; not supported on every platform (Windows), hence best effort.
  try {
    const handle = await open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    /* directory fsync is unavailable here */
  }
}
