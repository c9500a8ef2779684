import { FLAC_SIMD_WASM_BASE64 } from './flac-wasm'
import { CRC16_TABLE, type BitKernel } from '../formats/flac/bits'
import { WASM_PAGE } from '../../wasm'
import { instantiateSimd, type WasmMemory } from './module'

/**
 * The FLAC encoder's kernels of flac.wat: the stereo estimate, the autocorrelation of the
 * windowed block and the 8-tap LPC residual. The module has its own fixed memory; a channel is
 * copied in once (`load`), then analysed and predicted there.
 */

interface KernelExports extends WasmMemory {
  stereo(left: number, right: number, n: number, out: number): void
  autocorr(x: number, win: number, scratch: number, n: number, maxLag: number, out: number): void
  residual(x: number, qlp: number, inv: number, pairs: number, u: number): number
  rice(
    u: number,
    from: number,
    to: number,
    k: number,
    pos: number,
    acc: number,
    bits: number,
    state: number,
  ): number
  crc16(table: number, from: number, to: number): number
  psums(u: number, order: number, size: number, parts: number, out: number): void
}

/** The largest block the kernels take. */
export const FLAC_SIMD_MAX_BLOCK = 8192
/** Memory layout (bytes): int32 regions with slack for reads one pair past the end. */
const INTS = (FLAC_SIMD_MAX_BLOCK + 16) * 4
const X = 0
const LEFT = X + INTS
const RIGHT = LEFT + INTS
const U = RIGHT + INTS
const QLP = U + INTS
const OUT = QLP + 64
const WINDOW = OUT + 128
const SCRATCH = WINDOW + 2 * INTS
const U2 = SCRATCH + 2 * INTS
const STATE = U2 + INTS
const CRC_TABLE = STATE + 64
const SUMS = CRC_TABLE + 4 * 512
/** The frame being written (bit-writer.ts writes into it while it fits). */
const FRAME = SUMS + 8 * 512
export const FLAC_SIMD_FRAME_BYTES = 1 << 18
const MEMORY_BYTES = FRAME + FLAC_SIMD_FRAME_BYTES

export class FlacSimdKernel implements BitKernel {
  private readonly x: Int32Array
  private readonly left: Int32Array
  private readonly right: Int32Array
  private readonly qlp: Int32Array
  private readonly out: Float64Array
  private readonly window: Float64Array
  /** The zigzagged residual of the last `residual` call, in the module's memory. */
  readonly u: Uint32Array
  /** A second residual buffer (the fixed predictor's) that `rice` can read. */
  readonly u2: Uint32Array
  /** The frame buffer, for a BitWriter: `rice` and `crc16` work on it in place. */
  readonly frame: Uint8Array
  private readonly state: Int32Array
  private readonly sums: Float64Array
  private loadedWindow: Float64Array | undefined

  private constructor(private readonly wasm: KernelExports) {
    const memory = wasm.memory
    if (memory.buffer.byteLength < MEMORY_BYTES) {
      memory.grow(Math.ceil((MEMORY_BYTES - memory.buffer.byteLength) / WASM_PAGE))
    }
    // The memory never grows again, so these views stay valid.
    const buffer = memory.buffer
    this.x = new Int32Array(buffer, X, INTS / 4)
    this.left = new Int32Array(buffer, LEFT, INTS / 4)
    this.right = new Int32Array(buffer, RIGHT, INTS / 4)
    this.u = new Uint32Array(buffer, U, INTS / 4)
    this.qlp = new Int32Array(buffer, QLP, 8)
    this.out = new Float64Array(buffer, OUT, 16)
    this.window = new Float64Array(buffer, WINDOW, INTS / 4)
    this.u2 = new Uint32Array(buffer, U2, INTS / 4)
    this.state = new Int32Array(buffer, STATE, 2)
    this.frame = new Uint8Array(buffer, FRAME, FLAC_SIMD_FRAME_BYTES)
    this.sums = new Float64Array(buffer, SUMS, 512)
    // Slicing by 4: table k gives the register after a byte then k zero bytes.
    const tables = new Uint16Array(buffer, CRC_TABLE, 4 * 256)
    tables.set(CRC16_TABLE)
    for (let k = 1; k < 4; k++) {
      for (let x = 0; x < 256; x++) {
        const prev = tables[(k - 1) * 256 + x]!
        tables[k * 256 + x] = ((prev << 8) & 0xffff) ^ CRC16_TABLE[prev >> 8]!
      }
    }
  }

  /** The kernel, or null when this runtime has no WebAssembly SIMD. */
  static create(): FlacSimdKernel | null {
    const exports = instantiateSimd<KernelExports>(FLAC_SIMD_WASM_BASE64)
    return exports && new FlacSimdKernel(exports)
  }

  /** Σ|second-order residual| over [2, n) of left, right, mid and side, into out[0..4). */
  stereoSums(left: Int32Array, right: Int32Array, n: number, out: Float64Array): void {
    this.left.set(left.subarray(0, n))
    this.right.set(right.subarray(0, n))
    this.wasm.stereo(LEFT, RIGHT, n, OUT)
    for (let k = 0; k < 4; k++) out[k] = this.out[k]!
  }

  /** Copies x[0..n) in, for `autocorrelation` and `residual`. */
  load(x: Int32Array, n: number): void {
    this.x.set(x.subarray(0, n))
    this.x[n] = 0
  }

  /** The autocorrelation of the loaded block × window, lags 0..maxLag, into `out`. */
  autocorrelation(n: number, window: Float64Array, maxLag: number, out: Float64Array): void {
    if (this.loadedWindow !== window) {
      this.window.set(window.subarray(0, n))
      this.window[n] = 0
      this.loadedWindow = window
    }
    this.wasm.autocorr(X, WINDOW, SCRATCH, n, maxLag, OUT)
    for (let lag = 0; lag <= maxLag; lag++) out[lag] = this.out[lag]!
  }

  /**
   * The zigzagged residual of the loaded block for i in [8, 8 + 2 × pairs) into `u` (see
   * flac.wat); qlp holds up to 8 coefficients (missing ones are zero). Returns the largest
   * |residual|.
   */
  residual(qlp: Int32Array, order: number, shift: number, pairs: number): number {
    for (let j = 0; j < 8; j++) this.qlp[j] = j < order ? qlp[j]! : 0
    return this.wasm.residual(X, QLP, 2 ** -shift, pairs, U)
  }

  /**
   * Appends the Rice codes of u[from..to) (u: this.u or this.u2) with parameter k to `frame` at
   * byte `pos`, after the pending bits (acc's low `bits`). Returns the new position; the new
   * pending bits are then in `pendingAcc` and `pendingBits`.
   */
  rice(
    u: Uint32Array,
    from: number,
    to: number,
    k: number,
    pos: number,
    acc: number,
    bits: number,
  ): number {
    const at = u === this.u ? U : U2
    return this.wasm.rice(at, from, to, k, FRAME + pos, acc, bits, STATE) - FRAME
  }

  get pendingAcc(): number {
    return this.state[0]!
  }

  get pendingBits(): number {
    return this.state[1]!
  }

  /**
   * Sums of u (this.u or this.u2) over `parts` partitions of `size` values, the first from
   * `order`, into out[at..at + parts).
   */
  partitionSums(
    u: Uint32Array,
    order: number,
    size: number,
    parts: number,
    out: Float64Array,
    at: number,
  ): void {
    this.wasm.psums(u === this.u ? U : U2, order, size, parts, SUMS)
    for (let p = 0; p < parts; p++) out[at + p] = this.sums[p]!
  }

  /** CRC-16 of frame[0..length). */
  crc16(length: number): number {
    return this.wasm.crc16(CRC_TABLE, FRAME, FRAME + length)
  }
}

let kernel: FlacSimdKernel | null | undefined

/** This thread's FLAC kernel (created on first use), or null when WebAssembly SIMD is missing. */
export function flacSimdKernel(): FlacSimdKernel | null {
  if (kernel === undefined) kernel = FlacSimdKernel.create()
  return kernel
}
