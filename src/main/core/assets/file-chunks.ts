import type { FileHandle } from 'node:fs/promises'

/**
 * A fixed set of equal buffers handed out and given back, so that reading a large file reuses a
 * few buffers instead of mapping fresh memory (and taking its page faults) for every chunk.
 */
export class BufferPool {
  readonly #free: ArrayBuffer[] = []
  readonly #waiting: ((buffer: ArrayBuffer) => void)[] = []
  #created = 0

  constructor(
    readonly bufferBytes: number,
    private readonly count: number,
  ) {}

  /** A free buffer, waiting for one to be released when all are in use. */
  acquire(): Promise<Buffer> {
    const free = this.#free.pop()
    if (free) return Promise.resolve(Buffer.from(free))
    if (this.#created < this.count) {
      this.#created++
      return Promise.resolve(Buffer.allocUnsafeSlow(this.bufferBytes))
    }
    return new Promise((resolve) => this.#waiting.push((buffer) => resolve(Buffer.from(buffer))))
  }

  /** Gives back the buffer under `chunk` (a view of a buffer from acquire). */
  release(chunk: Uint8Array): void {
    const buffer = chunk.buffer as ArrayBuffer
    const waiter = this.#waiting.shift()
    if (waiter) waiter(buffer)
    else this.#free.push(buffer)
  }
}

/**
 * A pool of `count` read buffers for a file of `size` bytes: no larger than the file, so that the
 * many small files (generated takes) do not each map and fault in megabytes.
 */
export function bufferPoolFor(size: number, chunkBytes: number, count: number): BufferPool {
  return new BufferPool(Math.max(1, Math.min(chunkBytes, size)), count)
}

/**
 * The chunks of a file from `position` to its end, each a view of a buffer from `pool` that the
 * caller releases when done with it. The next read is under way while the caller works on a chunk.
 * A read's failure is thrown where its chunk would have come.
 */
export async function* readChunks(
  file: FileHandle,
  position: number,
  pool: BufferPool,
): AsyncGenerator<Buffer> {
  let next = readAhead(file, position, pool)
  for (;;) {
    const chunk = await next
    if (chunk.length === 0) {
      pool.release(chunk)
      return
    }
    position += chunk.length
    next = readAhead(file, position, pool)
    yield chunk
  }
}

function readAhead(file: FileHandle, position: number, pool: BufferPool): Promise<Buffer> {
  const read = (async () => {
    const buffer = await pool.acquire()
    const { bytesRead } = await file.read(buffer, 0, buffer.length, position)
    return buffer.subarray(0, bytesRead)
  })()
  // Handled where it is awaited; the caller may also stop before that.
  read.catch(() => undefined)
  return read
}
