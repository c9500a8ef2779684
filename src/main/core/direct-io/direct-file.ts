import { closeSync, constants, openSync, writeSync } from 'node:fs'
import { alignedLength, DIRECT_IO_ALIGN, directWriteFlags, isDirectRefusal } from './direct-io'

/**
 * An existing file written at given positions from worker threads, with the aligned part of each
 * write sent straight to the disk when the system allows it (see direct-io.ts) and the rest
 * through the page cache.
 */
export class DirectFile {
  #direct: number | null = null
  #wroteDirect = false

  private constructor(private readonly fd: number) {}

  /** Opens an existing file by name; a link at the name is refused (ELOOP), never followed. */
  static open(path: string): DirectFile {
    const file = new DirectFile(openSync(path, constants.O_RDWR | constants.O_NOFOLLOW))
    const flags = directWriteFlags()
    if (flags !== null) {
      try {
        file.#direct = openSync(path, flags | constants.O_NOFOLLOW)
      } catch {
        // No direct I/O on this filesystem: the buffered descriptor does all the writing.
      }
    }
    return file
  }

  /** Whether any bytes went straight to the disk. */
  get wroteDirect(): boolean {
    return this.#wroteDirect
  }

  /**
   * Writes bytes[0, length) at `position`. The direct path takes the whole blocks when
   * `position` is aligned and the memory of `bytes` too (AlignedBlocks).
   */
  write(bytes: Uint8Array, length: number, position: number): void {
    let done = 0
    if (this.#direct !== null && position % DIRECT_IO_ALIGN === 0) {
      done = this.#writeDirect(bytes, alignedLength(length), position)
    }
    writeAt(this.fd, bytes.subarray(done, length), position + done)
  }

  close(): void {
    if (this.#direct !== null) closeSync(this.#direct)
    this.#direct = null
    closeSync(this.fd)
  }

  /** Writes what it can of bytes[0, length) directly; returns how many bytes it wrote. */
  #writeDirect(bytes: Uint8Array, length: number, position: number): number {
    let done = 0
    try {
      while (done < length) {
        const wrote = writeSync(this.#direct!, bytes, done, length - done, position + done)
        done += wrote
        // A short write leaves an unaligned rest: the buffered path finishes it.
        if (wrote === 0 || wrote % DIRECT_IO_ALIGN !== 0) break
      }
    } catch (error) {
      if (!isDirectRefusal(error)) throw error
      // The memory or the filesystem does not allow direct writes after all.
      closeSync(this.#direct!)
      this.#direct = null
    }
    if (done > 0) this.#wroteDirect = true
    return done
  }
}

/** Writes all of `bytes` at `position` through a plain descriptor (writes may be short). */
export function writeAt(fd: number, bytes: Uint8Array, position: number): void {
  for (let done = 0; done < bytes.length;) {
    done += writeSync(fd, bytes, done, bytes.length - done, position + done)
  }
}
