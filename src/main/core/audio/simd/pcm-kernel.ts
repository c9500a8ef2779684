import { WASM_PAGE } from '../../wasm'
import { instantiateSimd, type WasmMemory } from './module'
import { PCM_SIMD_WASM_BASE64 } from './pcm-wasm'

/**
 * The PCM kernels of pcm.wat: float32 planar stereo to interleaved little-endian int16 /
 * int24 (byte for byte as the JS encoder of formats/wav/encode.ts) and the float32 sum of a mix. The
 * module has its own fixed memory: the audio is copied in and the bytes out block by block,
 * except for audio already in that memory (buffers from `leaseStereo`).
 */

interface KernelExports extends WasmMemory {
  encode24(left: number, right: number, out: number, groups: number): void
  encode16(left: number, right: number, out: number, groups: number): void
  add(out: number, add: number, groups: number): void
}

/** Frames per kernel call when the audio is copied in (a multiple of the 8-frame group). */
const BLOCK = 4096
/** Memory layout (bytes): the copied-in left and right channels, then the encoded bytes. */
const LEFT = 0
const RIGHT = LEFT + BLOCK * 4
const OUT = RIGHT + BLOCK * 4
/** Room for a leased stereo pair (stem and mix of a chunk renderer): two pairs of LEASE frames. */
const LEASE_FRAMES = 4096
const LEASE = OUT + BLOCK * 6
/** A last padded group may read up to 7 floats past the end of the frames it encodes. */
const SLACK = 32
const MEMORY_BYTES = LEASE + 4 * LEASE_FRAMES * 4 + SLACK

export class PcmSimdKernel {
  /** The memory never grows after creation, so views on it stay valid. */
  private readonly bytes: Uint8Array
  private readonly floats: Float32Array
  private leased = false

  private constructor(private readonly wasm: KernelExports) {
    const memory = wasm.memory
    if (memory.buffer.byteLength < MEMORY_BYTES) {
      memory.grow(Math.ceil((MEMORY_BYTES - memory.buffer.byteLength) / WASM_PAGE))
    }
    this.bytes = new Uint8Array(memory.buffer)
    this.floats = new Float32Array(memory.buffer)
  }

  /** The kernel, or null when this runtime has no WebAssembly SIMD. */
  static create(): PcmSimdKernel | null {
    const exports = instantiateSimd<KernelExports>(PCM_SIMD_WASM_BASE64)
    return exports && new PcmSimdKernel(exports)
  }

  /**
   * Writes frames [start, start + count) of left and right, interleaved as little-endian
   * `bits`-bit integers, at out[outOffset…] (count × 2 × bits / 8 bytes), exactly as
   * encodeWavFramesInto does.
   */
  encodeStereo(
    bits: 16 | 24,
    left: Float32Array,
    right: Float32Array,
    start: number,
    count: number,
    out: Uint8Array,
    outOffset: number,
  ): void {
    const frameBytes = bits === 24 ? 6 : 4
    const group = bits === 24 ? 8 : 4
    if (start < 0 || start + count > left.length || start + count > right.length) {
      throw new RangeError(`the channels hold fewer than ${start + count} frames`)
    }
    if (outOffset < 0 || outOffset + count * frameBytes > out.length) {
      throw new RangeError(`the output buffer is too small for ${count} frames`)
    }
    for (let done = 0; done < count; done += BLOCK) {
      const n = Math.min(BLOCK, count - done)
      const from = start + done
      // The last group may run past the frames: it reads stale floats and its extra bytes
      // are not copied out.
      const l = this.place(left, from, n, LEFT)
      const r = this.place(right, from, n, RIGHT)
      const groups = Math.ceil(n / group)
      if (bits === 24) this.wasm.encode24(l, r, OUT, groups)
      else this.wasm.encode16(l, r, OUT, groups)
      out.set(this.bytes.subarray(OUT, OUT + n * frameBytes), outOffset + done * frameBytes)
    }
  }

  /** out[i] = out[i] + add[i] in float32 for i < n, both being views from `leaseStereo`. */
  addInto(out: Float32Array, add: Float32Array, n: number): void {
    if (!this.owns(out) || !this.owns(add)) {
      throw new Error('the SIMD sum takes buffers leased from its kernel')
    }
    if (n > out.length || n > add.length) {
      throw new RangeError(`the buffers hold fewer than ${n} frames`)
    }
    const full = n & ~3
    this.wasm.add(out.byteOffset, add.byteOffset, full >>> 2)
    for (let i = full; i < n; i++) out[i] = out[i]! + add[i]!
  }

  /**
   * Two stereo buffers of `frames` floats per channel in the kernel's memory (which the kernel
   * then reads without copying), or null when they are taken or `frames` is too many.
   * Give them back with `release`.
   */
  leaseStereo(frames: number): [Float32Array, Float32Array, Float32Array, Float32Array] | null {
    if (this.leased || frames > LEASE_FRAMES) return null
    this.leased = true
    const at = (k: number): Float32Array =>
      new Float32Array(this.floats.buffer, LEASE + k * LEASE_FRAMES * 4, frames)
    return [at(0), at(1), at(2), at(3)]
  }

  release(): void {
    this.leased = false
  }

  /** Whether `x` is a view on this kernel's memory. */
  owns(x: Float32Array): boolean {
    return x.buffer === this.floats.buffer
  }

  /** The byte offset of frames [from, from + n) of x in the memory, copying them to `at` if needed. */
  private place(x: Float32Array, from: number, n: number, at: number): number {
    if (this.owns(x)) return x.byteOffset + from * 4
    this.floats.set(x.subarray(from, from + n), at / 4)
    return at
  }
}

let kernel: PcmSimdKernel | null | undefined

/** This thread's SIMD kernel (created on first use), or null when WebAssembly SIMD is missing. */
export function pcmSimdKernel(): PcmSimdKernel | null {
  if (kernel === undefined) kernel = PcmSimdKernel.create()
  return kernel
}
