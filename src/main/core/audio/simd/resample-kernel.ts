import { WASM_PAGE } from '../../wasm'
import { instantiateSimd, type WasmMemory } from './module'
import { RESAMPLE_SIMD_WASM_BASE64 } from './resample-wasm'

/**
 * The polyphase kernel of dsp/resample.ts run by a WebAssembly SIMD module (resample.wat):
 * float32 coefficients and lanes, the lane sums added in float64. Same contract as
 * resampleKernel: the value of each output frame depends only on the frame, not on the call.
 */

/** The part of a ResampleFilter the kernel needs (it must have a polyphase table). */
export interface SimdFilter {
  readonly up: number
  readonly down: number
  readonly taps: number
  readonly table: Float64Array | null
}

interface KernelExports extends WasmMemory {
  pair(
    x0: number,
    x1: number,
    table: number,
    taps: number,
    up: number,
    p: number,
    xi: number,
    pInc: number,
    bInc: number,
    count: number,
    out0: number,
    out1: number,
  ): void
  single(
    x0: number,
    table: number,
    taps: number,
    up: number,
    p: number,
    xi: number,
    pInc: number,
    bInc: number,
    count: number,
    out0: number,
  ): void
}

/** Outputs per kernel call: bounds the linear memory whatever the range asked for. */
const BLOCK = 16384

const align16 = (bytes: number): number => (bytes + 15) & ~15

export class SimdResampleKernel {
  private readonly table32 = new WeakMap<Float64Array, Float32Array>()
  /** The float32 table currently at offset 0 of the memory. */
  private loaded: Float32Array | null = null
  private heap: Float32Array

  private constructor(private readonly wasm: KernelExports) {
    this.heap = new Float32Array(wasm.memory.buffer)
  }

  /** The kernel, or null when this runtime has no WebAssembly SIMD. */
  static create(): SimdResampleKernel | null {
    const exports = instantiateSimd<KernelExports>(RESAMPLE_SIMD_WASM_BASE64)
    return exports && new SimdResampleKernel(exports)
  }

  /**
   * Writes outputs [outStart, outStart + count) of each input channel (one or two) into
   * outs[c][outOffset…]; inputs[c][0] is input frame `xStart`, and the inputs cover
   * inputSpan(filter, outStart, count).
   */
  run(
    filter: SimdFilter,
    inputs: readonly Float32Array[],
    xStart: number,
    outStart: number,
    count: number,
    outs: readonly Float32Array[],
    outOffset = 0,
  ): void {
    if (inputs.length !== 1 && inputs.length !== 2) {
      throw new RangeError(`the SIMD resampler takes 1 or 2 channels (got ${inputs.length})`)
    }
    if (filter.table === null) {
      throw new Error('the SIMD resampler needs a polyphase table (this ratio has none)')
    }
    if (filter.taps % 4 !== 0) {
      throw new RangeError(`the SIMD resampler needs taps % 4 == 0 (got ${filter.taps})`)
    }
    const table = this.loadTable(filter.table)
    for (let done = 0; done < count; done += BLOCK) {
      const n = Math.min(BLOCK, count - done)
      this.runBlock(filter, table, inputs, xStart, outStart + done, n, outs, outOffset + done)
    }
  }

  private runBlock(
    filter: SimdFilter,
    tableBytes: number,
    inputs: readonly Float32Array[],
    xStart: number,
    outStart: number,
    count: number,
    outs: readonly Float32Array[],
    outOffset: number,
  ): void {
    const { up, down, taps } = filter
    const half = taps / 2
    const base = Math.floor((outStart * down) / up)
    const p = outStart * down - base * up
    const bInc = Math.floor(down / up)
    const pInc = down - bInc * up
    // Input frames this block reads: [first, first + span).
    const first = base - half + 1
    const span = Math.floor(((outStart + count - 1) * down) / up) + half - first + 1
    const xBytes = align16(span * 4)
    const outBytes = align16(count * 4)
    const channels = inputs.length
    const x0 = tableBytes
    const out0 = x0 + channels * xBytes
    this.ensureBytes(out0 + channels * outBytes)
    const heap = this.heap
    for (let c = 0; c < channels; c++) {
      const from = first - xStart
      heap.set(inputs[c]!.subarray(from, from + span), (x0 + c * xBytes) / 4)
    }
    if (channels === 2) {
      this.wasm.pair(x0, x0 + xBytes, 0, taps, up, p, 0, pInc, bInc, count, out0, out0 + outBytes)
    } else {
      this.wasm.single(x0, 0, taps, up, p, 0, pInc, bInc, count, out0)
    }
    for (let c = 0; c < channels; c++) {
      const at = (out0 + c * outBytes) / 4
      outs[c]!.set(heap.subarray(at, at + count), outOffset)
    }
  }

  /** Puts the float32 copy of `table` at offset 0; returns its size in bytes (aligned). */
  private loadTable(table: Float64Array): number {
    let t32 = this.table32.get(table)
    if (!t32) {
      t32 = Float32Array.from(table)
      this.table32.set(table, t32)
    }
    const bytes = align16(t32.length * 4)
    if (this.loaded !== t32) {
      this.ensureBytes(bytes)
      this.heap.set(t32, 0)
      this.loaded = t32
    }
    return bytes
  }

  private ensureBytes(bytes: number): void {
    const memory = this.wasm.memory
    if (memory.buffer.byteLength >= bytes) return
    memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / WASM_PAGE))
    this.heap = new Float32Array(memory.buffer)
  }
}

let kernel: SimdResampleKernel | null | undefined

/** The shared SIMD kernel (created on first use), or null when WebAssembly SIMD is missing. */
export function simdResampleKernel(): SimdResampleKernel | null {
  if (kernel === undefined) kernel = SimdResampleKernel.create()
  return kernel
}
