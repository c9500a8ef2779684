import { open, type FileHandle } from 'node:fs/promises'

/**
 * Reads a file forward through a window of `windowBytes`, for parsers that hop from header to
 * header: `at(offset, length)` makes `length` bytes at `offset` available in `bytes`.
 */
export class FileWindow {
  bytes: Uint8Array = new Uint8Array(0)
  /** File offset of bytes[0]. */
  start = 0
  private buffer = new Uint8Array(0)

  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    private readonly windowBytes: number,
  ) {}

  static async open(path: string, windowBytes = 1 << 20): Promise<FileWindow> {
    const handle = await open(path, 'r')
    try {
      const { size } = await handle.stat()
      return new FileWindow(handle, size, windowBytes)
    } catch (error) {
      await handle.close()
      throw error
    }
  }

  /** Index of `offset` in `bytes` when [offset, offset + length) is in the window, else -1. */
  indexOf(offset: number, length: number): number {
    const end = Math.min(this.size, offset + length)
    return offset >= this.start && end <= this.start + this.bytes.length ? offset - this.start : -1
  }

  /**
   * Makes the bytes at [offset, offset + length) available (fewer at the end of the file) and
   * returns the index of `offset` in `bytes`.
   */
  async at(offset: number, length: number): Promise<number> {
    const index = this.indexOf(offset, length)
    if (index >= 0) return index
    const size = Math.max(0, Math.min(this.size - offset, Math.max(this.windowBytes, length)))
    // The window is refilled in place: callers keep indexes, never views, across calls.
    if (this.buffer.length < size) this.buffer = new Uint8Array(size)
    let filled = 0
    while (filled < size) {
      const { bytesRead } = await this.handle.read(
        this.buffer,
        filled,
        size - filled,
        offset + filled,
      )
      if (bytesRead === 0) break
      filled += bytesRead
    }
    this.bytes = this.buffer.subarray(0, filled)
    this.start = offset
    return 0
  }

  close(): Promise<void> {
    return this.handle.close()
  }
}
