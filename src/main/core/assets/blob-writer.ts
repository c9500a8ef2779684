import { createHash, type Hash } from 'node:crypto'
import { open, rm, type FileHandle } from 'node:fs/promises'
import { AlignedSlots } from '../direct-io/aligned-memory'
import {
  alignedLength,
  DIRECT_IO_ALIGN,
  directWriteFlags,
  isDirectRefusal,
} from '../direct-io/direct-io'

/** Bytes handed to the libuv pool and not yet written, beyond which `write` waits. */
const MAX_IN_FLIGHT_BYTES = 4 << 20
/**
 * Bytes written between two fdatasyncs while the file is being written, so that the final fsync
 * has little left to flush (and the disk works while the import computes).
 */
const SYNC_EVERY_BYTES = 32 << 20
/**
 * Aligned memory the bytes are copied into for direct writes (see direct-io.ts), shared by this
 * thread's writers. The copy costs far less than the page cache would.
 */
const staging = new AlignedSlots(1 << 20)

/**
 * A temporary file being filled with a blob's bytes, hashing them on the way. `write` hashes in
 * this thread and leaves the disk write to the libuv pool (several in flight), so the caller's
 * own work overlaps the disk's. Whole blocks go straight to the disk where the system allows it;
 * bytes written through the page cache are fdatasynced every SYNC_EVERY_BYTES. `finish` waits
 * for the bytes to be durable (fsync) and gives their SHA-256; `abort` removes the file.
 */
export class BlobWriter {
  readonly #hash: Hash = createHash('sha256')
  readonly #inFlight = new Set<Promise<void>>()
  #inFlightBytes = 0
  #position = 0
  #unsynced = 0
  #syncing: Promise<void> | undefined
  #failure: { error: unknown } | undefined
  #closed = false
  /**
   * The descriptor for direct writes, opened with the first whole block (small blobs never need
   * one); null where the system or the filesystem has no direct I/O.
   */
  #direct: Promise<FileHandle | null> | undefined
  /** False once the filesystem refused a direct write: the page cache takes the rest. */
  #directAllowed = true

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(path: string): Promise<BlobWriter> {
    return new BlobWriter(path, await open(path, 'wx'))
  }

  /**
   * Appends `chunk`, which must not change until it is written: `written(chunk)` is called then
   * (also when the write fails), so that its buffer can be reused. Resolves once there is room
   * for more; rejects when an earlier write failed.
   */
  async write(chunk: Uint8Array, written?: (chunk: Uint8Array) => void): Promise<void> {
    this.#check()
    if (chunk.length === 0) {
      written?.(chunk)
      return
    }
    this.#hash.update(chunk)
    const position = this.#position
    this.#position += chunk.length
    this.#inFlightBytes += chunk.length
    const done: Promise<void> = this.#store(chunk, position).then(
      (cached) => {
        this.#inFlight.delete(done)
        this.#inFlightBytes -= chunk.length
        written?.(chunk)
        this.#unsynced += cached
        if (this.#unsynced >= SYNC_EVERY_BYTES && this.#syncing === undefined) this.#startSync()
      },
      (error: unknown) => {
        this.#inFlight.delete(done)
        this.#inFlightBytes -= chunk.length
        written?.(chunk)
        this.#failure ??= { error }
      },
    )
    this.#inFlight.add(done)
    while (this.#inFlightBytes >= MAX_IN_FLIGHT_BYTES && this.#inFlight.size > 0) {
      await Promise.race(this.#inFlight)
      this.#check()
    }
  }

  /** Waits for every byte to be written and fsynced, closes the file; its hash and size. */
  async finish(): Promise<{ sha256: string; size: number }> {
    try {
      await this.#drain()
      this.#check()
      await this.handle.sync()
      this.#closed = true
      await this.#closeHandles()
    } catch (error) {
      await this.abort()
      throw error
    }
    return { sha256: this.#hash.digest('hex'), size: this.#position }
  }

  /** Stops writing and removes the temporary file. Safe to call more than once. */
  async abort(): Promise<void> {
    this.#failure ??= { error: new Error('the blob write was aborted') }
    await this.#drain().catch(() => undefined)
    if (!this.#closed) {
      this.#closed = true
      await this.#closeHandles().catch(() => undefined)
    }
    await rm(this.path, { force: true })
  }

  #check(): void {
    if (this.#failure) throw this.#failure.error
  }

  async #closeHandles(): Promise<void> {
    const direct = await this.#direct
    await Promise.all([this.handle.close(), direct?.close()])
  }

  #directHandle(): Promise<FileHandle | null> {
    if (this.#direct === undefined) {
      const flags = directWriteFlags()
      // A filesystem without direct I/O refuses this open: the page cache then takes everything.
      this.#direct =
        flags === null ? Promise.resolve(null) : open(this.path, flags).catch(() => null)
    }
    return this.#direct
  }

  /** Writes `chunk` at `position`; resolves with how many of its bytes went to the page cache. */
  async #store(chunk: Uint8Array, position: number): Promise<number> {
    const direct = position % DIRECT_IO_ALIGN === 0 ? await this.#storeDirect(chunk, position) : 0
    let at = direct
    while (at < chunk.length) {
      const { bytesWritten } = await this.handle.write(chunk, at, chunk.length - at, position + at)
      at += bytesWritten
    }
    return chunk.length - direct
  }

  /** Writes the whole blocks at the start of `chunk` directly; how many bytes it wrote. */
  async #storeDirect(chunk: Uint8Array, position: number): Promise<number> {
    const length = alignedLength(chunk.length)
    const direct = length > 0 && this.#directAllowed ? await this.#directHandle() : null
    if (direct === null) return 0
    let done = 0
    while (done < length && this.#directAllowed) {
      const slot = staging.take()
      try {
        const n = Math.min(slot.length, length - done)
        slot.set(chunk.subarray(done, done + n))
        let at = 0
        while (at < n) {
          const { bytesWritten } = await direct.write(slot, at, n - at, position + done + at)
          at += bytesWritten
          // A short write leaves an unaligned rest: the page cache takes it.
          if (bytesWritten === 0 || bytesWritten % DIRECT_IO_ALIGN !== 0) return done + at
        }
        done += n
      } catch (error) {
        if (!isDirectRefusal(error)) throw error
        this.#directAllowed = false
      } finally {
        staging.give(slot)
      }
    }
    return done
  }

  #startSync(): void {
    this.#unsynced = 0
    this.#syncing = this.handle.datasync().then(
      () => {
        this.#syncing = undefined
        if (this.#unsynced >= SYNC_EVERY_BYTES) this.#startSync()
      },
      (error: unknown) => {
        this.#syncing = undefined
        this.#failure ??= { error }
      },
    )
  }

  async #drain(): Promise<void> {
    while (this.#inFlight.size > 0 || this.#syncing !== undefined) {
      if (this.#inFlight.size > 0) await Promise.all(this.#inFlight)
      else await this.#syncing
    }
  }
}
