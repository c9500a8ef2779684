import { randomUUID } from 'node:crypto'
import { mkdir, open, rename, rm, stat, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import { BlobWriter } from './blob-writer'
import { bufferPoolFor, readChunks } from './file-chunks'
import { sweepStore, type SweepResult } from './store-sweep'

export interface StoredBlob {
  sha256: string
  ext: string
  path: string
  size: number
  /** False when identical bytes were already in the store. */
  created: boolean
}

const EXT = /^[a-z0-9]{1,8}$/

/** Bytes handed to a BlobWriter at a time when copying a file or a buffer. */
export const STORE_CHUNK_BYTES = 1 << 20
/** Read buffers of a file being copied: those being written, the one in hand, the one read ahead. */
export const STORE_READ_BUFFERS = 6

/**
 * Audio files by content: `assets/<first two hex>/<sha256>.<ext>`. Writes go to a temporary file
 * in the same filesystem, are fsynced, then renamed, so a crash leaves either nothing or the file.
 */
export class ContentStore {
  readonly root: string
  readonly #tmp: string
  /** Commits and sweeps, one at a time: a sweep never takes a blob a commit vouched for. */
  #serial: Promise<unknown> = Promise.resolve()

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

  /**
   * Starts a blob: write its bytes in order, then `store.commit(writer, ext)`, or `writer.abort()`
   * to leave nothing behind.
   */
  async begin(): Promise<BlobWriter> {
    await mkdir(this.#tmp, { recursive: true })
    return BlobWriter.create(join(this.#tmp, `${randomUUID()}.part`))
  }

  /**
   * Makes a finished blob part of the store: durable (file and folder fsynced) under its content
   * address, or dropped when identical bytes are already there. Aborts the writer on failure.
   */
  async commit(writer: BlobWriter, ext: string): Promise<StoredBlob> {
    if (!EXT.test(ext)) {
      await writer.abort()
      throw new Error(`invalid extension ${ext}`)
    }
    const { sha256, size } = await writer.finish()
    const path = this.pathOf(sha256, ext)
    return this.#exclusive(async () => {
      if (await exists(path)) {
        // Fresh again: a sweep keeps it until the new asset row refers to it.
        const now = new Date()
        await utimes(path, now, now).catch(() => undefined)
        await rm(writer.path, { force: true })
        return { sha256, ext, path, size, created: false }
      }
      const dir = join(this.root, sha256.slice(0, 2))
      try {
        await mkdir(dir, { recursive: true })
        await rename(writer.path, path)
      } catch (error) {
        await rm(writer.path, { force: true })
        throw error
      }
      await syncDirectory(dir)
      return { sha256, ext, path, size, created: true }
    })
  }

  /**
   * Removes the blobs no asset refers to and the temporary files crashes left (see
   * store-sweep.ts). `referenced` holds the file names (`<sha256>.<ext>`) in use; a blob that a
   * commit brings back after it was read is fresh, and kept.
   */
  sweep(referenced: ReadonlySet<string>, now: number): Promise<SweepResult> {
    return this.#exclusive(() => sweepStore(this.root, this.#tmp, referenced, now))
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#serial.then(work, work)
    this.#serial = run.catch(() => undefined)
    return run
  }

  async putBytes(bytes: Uint8Array, ext: string): Promise<StoredBlob> {
    return this.#put(ext, async (writer) => {
      for (let at = 0; at < bytes.length; at += STORE_CHUNK_BYTES) {
        await writer.write(bytes.subarray(at, at + STORE_CHUNK_BYTES))
      }
    })
  }

  /** Copies a file in chunks, hashing on the way, so large files never sit in memory. */
  async putFile(sourcePath: string, ext: string): Promise<StoredBlob> {
    return this.#put(ext, async (writer) => {
      const source = await open(sourcePath, 'r')
      try {
        const pool = bufferPoolFor(
          (await source.stat()).size,
          STORE_CHUNK_BYTES,
          STORE_READ_BUFFERS,
        )
        for await (const chunk of readChunks(source, 0, pool)) {
          await writer.write(chunk, (written) => pool.release(written))
        }
      } finally {
        await source.close()
      }
    })
  }

  async #put(ext: string, produce: (writer: BlobWriter) => Promise<void>): Promise<StoredBlob> {
    if (!EXT.test(ext)) throw new Error(`invalid extension ${ext}`)
    const writer = await this.begin()
    try {
      await produce(writer)
    } catch (error) {
      await writer.abort()
      throw error
    }
    return this.commit(writer, ext)
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
