import { open, type FileHandle } from 'node:fs/promises'

/**
 * fsync of a WAL database's `-wal` file, run in the libuv pool instead of blocking the main thread:
 * it makes every commit written to the WAL before it durable (fsync covers the whole file, whatever
 * handle wrote it). Opened on first use, since the file exists once the database has committed.
 */
export class WalFile {
  #handle: Promise<FileHandle> | undefined

  constructor(readonly path: string) {}

  async sync(): Promise<void> {
    // Read-write: Windows flushes only handles opened for writing.
    const handle = (this.#handle ??= open(this.path, 'r+'))
    try {
      await (await handle).sync()
    } catch (error) {
      // Opened again next time (the file may have been missing, or the handle gone bad).
      if (this.#handle === handle) this.#handle = undefined
      await (await handle.catch(() => undefined))?.close().catch(() => undefined)
      throw error
    }
  }

  async close(): Promise<void> {
    const handle = this.#handle
    this.#handle = undefined
    await (await handle?.catch(() => undefined))?.close()
  }
}
