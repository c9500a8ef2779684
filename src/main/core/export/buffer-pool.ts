/**
 * ArrayBuffers kept for reuse within one thread: a worker rendering range after range takes the
 * same memory again instead of fresh memory (which the system must map and zero) for each range.
 * It keeps at most `maxBytes`; what would exceed that is left to the garbage collector.
 */
export class BufferPool {
  #free: ArrayBuffer[] = []
  #kept = 0

  constructor(private readonly maxBytes = 64 << 20) {}

  /** A buffer of at least `bytes` bytes (contents undefined), from the pool when one fits. */
  take(bytes: number): ArrayBuffer {
    let best = -1
    for (let i = 0; i < this.#free.length; i++) {
      const size = this.#free[i]!.byteLength
      if (size >= bytes && (best < 0 || size < this.#free[best]!.byteLength)) best = i
    }
    if (best < 0) return new ArrayBuffer(bytes)
    const buffer = this.#free.splice(best, 1)[0]!
    this.#kept -= buffer.byteLength
    return buffer
  }

  /** Returns a buffer for a later take; the caller no longer uses it. */
  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength === 0 || this.#kept + buffer.byteLength > this.maxBytes) return
    this.#free.push(buffer)
    this.#kept += buffer.byteLength
  }
}
