import { WASM_PAGE } from '../wasm'
import { DIRECT_IO_ALIGN } from './direct-io'

interface MemoryApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => {
    readonly buffer: ArrayBuffer
  }
}

/**
 * Memory that starts at a page boundary, for direct writes. JavaScript cannot align an
 * ArrayBuffer, but a WebAssembly memory is mapped from a page boundary; its views at multiples of
 * DIRECT_IO_ALIGN are therefore aligned. Each such memory reserves a large range of address
 * space, so callers keep and reuse what they allocate. Where WebAssembly is missing this is
 * plain memory, and direct writes of it are refused and fall back.
 */
export function allocateAligned(bytes: number): ArrayBuffer {
  const wasm = (globalThis as { WebAssembly?: MemoryApi }).WebAssembly
  if (wasm === undefined) return new ArrayBuffer(bytes)
  const pages = Math.max(1, Math.ceil(bytes / WASM_PAGE))
  return new wasm.Memory({ initial: pages, maximum: pages }).buffer
}

/** A number of bytes rounded up to whole alignment units. */
export function alignUp(bytes: number): number {
  return Math.ceil(bytes / DIRECT_IO_ALIGN) * DIRECT_IO_ALIGN
}

/** Aligned blocks reused from call to call within a thread (one set in use at a time). */
export class AlignedBlocks {
  #buffer: ArrayBuffer | null = null

  /** `count` blocks of `bytes` bytes each, every one starting at an aligned address. */
  take(count: number, bytes: number): Uint8Array[] {
    const stride = alignUp(bytes)
    const needed = count * stride
    if (this.#buffer === null || this.#buffer.byteLength < needed) {
      this.#buffer = allocateAligned(needed)
    }
    const buffer = this.#buffer
    return Array.from({ length: count }, (_, k) => new Uint8Array(buffer, k * stride, bytes))
  }
}

/**
 * Aligned slots of one size, shared by everyone in a thread: taken, written from, given back.
 * The slots are allocated a few at a time as demand grows; at most `maxFree` are kept for reuse
 * (a burst of parallel writes does not hold its memory forever).
 */
export class AlignedSlots {
  readonly #free: Uint8Array[] = []

  constructor(
    readonly slotBytes: number,
    private readonly slotsPerAllocation = 4,
    private readonly maxFree = 8,
  ) {}

  take(): Uint8Array {
    let slot = this.#free.pop()
    if (slot === undefined) {
      const stride = alignUp(this.slotBytes)
      const buffer = allocateAligned(stride * this.slotsPerAllocation)
      for (let k = 1; k < this.slotsPerAllocation; k++) {
        this.give(new Uint8Array(buffer, k * stride, this.slotBytes))
      }
      slot = new Uint8Array(buffer, 0, this.slotBytes)
    }
    return slot
  }

  give(slot: Uint8Array): void {
    if (this.#free.length < this.maxFree) this.#free.push(slot)
  }
}
