import type { FileHandle } from 'node:fs/promises'
import { allocateAligned } from '../direct-io/aligned-memory'

/**
 * A fixed set of equal buffers handed out and given back, so that reading a large file reuses a
 * few buffers instead of mapping fresh memory (and taking its page faults) for every chunk.
 *
 * The buffers are WebAssembly memories (allocateAligned), which V8 maps by itself, not malloc
 * blocks: glibc raises its mmap threshold for the whole process to the size of the largest block
 * freed (4 MB read buffers made it 4 MB, seen with gdb in the server), after which the workers'
 * buffers below that size go into malloc arenas, which glibc keeps at the size they grew to after
 * the workers end. A pool is not kept between imports: kept, its buffers stayed resident, while
 * V8 collected the unreachable ones within seconds of the last import (memory.bench.ts).
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
    if (free) return Promise.resolve(Buffer.from(free, 0, this.bufferBytes))
    if (this.#created < this.count) {
      this.#created++
      return Promise.resolve(Buffer.from(allocateAligned(this.bufferBytes), 0, this.bufferBytes))
    }
    return new Promise((resolve) =>
      this.#waiting.push((buffer) => resolve(Buffer.from(buffer, 0, this.bufferBytes))),
    )
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
