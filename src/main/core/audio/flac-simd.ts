import { FLAC_SIMD_WASM_BASE64 } from './flac-simd-wasm'
import { instantiateSimd, WASM_PAGE, type WasmMemory } from './simd-module'

/**
 * The FLAC encoder's kernels of flac-simd.wat: the stereo estimate, the autocorrelation of the
 * windowed block and the 8-tap LPC residual. The module has its own fixed memory; a channel is
 * copied in once (`load`), then analysed and predicted there.
 */

interface KernelExports extends WasmMemory {
  stereo(left: number, right: number, n: number, out: number): void
  autocorr(x: number, win: number, scratch: number, n: number, maxLag: number, out: number): void
  residual(x: number, qlp: number, inv: number, pairs: number, u: number): number
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
const MEMORY_BYTES = SCRATCH + 2 * INTS

export class FlacSimdKernel {
  private readonly x: Int32Array
  private readonly left: Int32Array
  private readonly right: Int32Array
  private readonly qlp: Int32Array
  private readonly out: Float64Array
  private readonly window: Float64Array
  /** The zigzagged residual of the last `residual` call, in the module's memory. */
  readonly u: Uint32Array
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
   * flac-simd.wat); qlp holds up to 8 coefficients (missing ones are zero). Returns the largest
   * |residual|.
   */
  residual(qlp: Int32Array, order: number, shift: number, pairs: number): number {
    for (let j = 0; j < 8; j++) this.qlp[j] = j < order ? qlp[j]! : 0
    return this.wasm.residual(X, QLP, 2 ** -shift, pairs, U)
  }
}

let kernel: FlacSimdKernel | null | undefined

/** This thread's FLAC kernel (created on first use), or null when WebAssembly SIMD is missing. */
export function flacSimdKernel(): FlacSimdKernel | null {
  if (kernel === undefined) kernel = FlacSimdKernel.create()
  return kernel
}
