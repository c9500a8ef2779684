import type { FileHandle } from 'node:fs/promises'
import { allocateAligned } from '../direct-io/aligned-memory'

/**
 * Read buffers given back by closed pools, kept for the next pools of this thread. They are
 * WebAssembly memories (allocateAligned), which V8 maps by itself, not malloc blocks: glibc raises
 * its mmap threshold for the whole process to the size of the largest block freed (the 4 MB read
 * buffers made it 4 MB, seen with gdb in the server), and the workers' buffers below it then go
 * into malloc arenas, which glibc keeps at the size they grew to after the workers end (tens of
 * MB after imports, memory.bench.ts). Such memories reserve much address space, so they are
 * reused rather than left to the garbage collector.
 */
const spare: ArrayBuffer[] = []
/** Spare buffers kept: one pool's worth. */
const MAX_SPARE = 6

function takeSpare(bytes: number): ArrayBuffer {
  const fit = spare.findIndex((buffer) => buffer.byteLength >= bytes)
  return fit >= 0 ? spare.splice(fit, 1)[0]! : allocateAligned(bytes)
}

function giveSpare(buffer: ArrayBuffer): void {
  if (spare.length >= MAX_SPARE) {
    // The smallest goes, unless it is this one: a larger buffer serves every read a smaller does.
    const smallest = spare.reduce((a, b) => (b.byteLength < a.byteLength ? b : a))
    if (smallest.byteLength >= buffer.byteLength) return
    spare.splice(spare.indexOf(smallest), 1)
  }
  spare.push(buffer)
}

/**
 * A fixed set of equal buffers handed out and given back, so that reading a large file reuses a
 * few buffers instead of mapping fresh memory (and taking its page faults) for every chunk.
 * `close` gives them to the next pools of the thread, also those still being written, as they
 * are released.
 */
export class BufferPool {
  readonly #free: ArrayBuffer[] = []
  readonly #waiting: ((buffer: ArrayBuffer) => void)[] = []
  #created = 0
  #closed = false

  constructor(
    readonly bufferBytes: number,
    private readonly count: number,
  ) {}

  /** A free buffer, waiting for one to be released when all are in use. */
  acquire(): Promise<Buffer> {
    const free = this.#free.pop()
    if (free) return Promise.resolve(this.#view(free))
    if (this.#created < this.count) {
      this.#created++
      return Promise.resolve(this.#view(takeSpare(this.bufferBytes)))
    }
    return new Promise((resolve) => this.#waiting.push((buffer) => resolve(this.#view(buffer))))
  }

  /** Gives back the buffer under `chunk` (a view of a buffer from acquire). */
  release(chunk: Uint8Array): void {
    const buffer = chunk.buffer as ArrayBuffer
    const waiter = this.#waiting.shift()
    if (waiter) waiter(buffer)
    else if (this.#closed) giveSpare(buffer)
    else this.#free.push(buffer)
  }

  /** Ends the pool's use: its buffers, now and as they are released, go to the next pools. */
  close(): void {
    this.#closed = true
    for (const buffer of this.#free.splice(0)) giveSpare(buffer)
  }

  /** A spare buffer may be larger than this pool's. */
  #view(buffer: ArrayBuffer): Buffer {
    return Buffer.from(buffer, 0, this.bufferBytes)
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
