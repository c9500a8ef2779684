import type { BitWriter } from './bits'
import {
  autocorrelation,
  bestOrder,
  levinson,
  lpcResidual,
  MAX_LPC_ORDER,
  QLP_PRECISION,
  quantize,
  tukeyWindow,
} from './lpc'
import { RicePlanner } from './rice'
import { FLAC_SIMD_MAX_BLOCK, type FlacSimdKernel } from '../../simd/flac-kernel'

/** The estimated cost of a channel under its best fixed predictor (see fixedEstimate). */
export interface FixedEstimate {
  order: number
  /** Sum of the absolute residuals of that order. */
  cost: number
}

/**
 * Best fixed order (0–4) by the sum of absolute residuals (libFLAC's estimate). The residual of
 * order k is the difference of two consecutive residuals of order k - 1, so each sample costs
 * four subtractions. Residuals fit in 32 bits (at most 2^4 × a 25-bit side sample); the sums are
 * kept in doubles.
 */
export function fixedEstimate(x: Int32Array, n: number): FixedEstimate {
  let e0 = 0
  let e1 = 0
  let e2 = 0
  let e3 = 0
  let e4 = 0
  if (n > 4) {
    let last0 = x[3]!
    let last1 = (x[3]! - x[2]!) | 0
    let last2 = (last1 - (x[2]! - x[1]!)) | 0
    let last3 = (last2 - (x[2]! - 2 * x[1]! + x[0]!)) | 0
    for (let i = 4; i < n; i++) {
      const r0 = x[i]!
      const r1 = (r0 - last0) | 0
      const r2 = (r1 - last1) | 0
      const r3 = (r2 - last2) | 0
      const r4 = (r3 - last3) | 0
      e0 += r0 < 0 ? -r0 : r0
      e1 += r1 < 0 ? -r1 : r1
      e2 += r2 < 0 ? -r2 : r2
      e3 += r3 < 0 ? -r3 : r3
      e4 += r4 < 0 ? -r4 : r4
      last0 = r0
      last1 = r1
      last2 = r2
      last3 = r3
    }
  }
  let order = 0
  let cost = e0
  if (e1 < cost) [order, cost] = [1, e1]
  if (e2 < cost) [order, cost] = [2, e2]
  if (e3 < cost) [order, cost] = [3, e3]
  if (e4 < cost) [order, cost] = [4, e4]
  return { order, cost }
}

/** Zigzagged residuals of the fixed predictor of `order` for samples [order, n). */
function fixedResidual(x: Int32Array, n: number, order: number, u: Uint32Array): void {
  for (let i = order; i < n; i++) {
    let r: number
    switch (order) {
      case 0:
        r = x[i]!
        break
      case 1:
        r = x[i]! - x[i - 1]!
        break
      case 2:
        r = x[i]! - 2 * x[i - 1]! + x[i - 2]!
        break
      case 3:
        r = x[i]! - 3 * x[i - 1]! + 3 * x[i - 2]! - x[i - 3]!
        break
      default:
        r = x[i]! - 4 * x[i - 1]! + 6 * x[i - 2]! - 4 * x[i - 3]! + x[i - 4]!
    }
    u[i] = r >= 0 ? 2 * r : -2 * r - 1
  }
}

/**
 * Encodes one channel of a block as the smallest of the subframe kinds: CONSTANT, FIXED (orders
 * 0–4), LPC (orders 1–8) or VERBATIM, after removing wasted low bits (a 16-bit source in a 24-bit
 * export has 8). Holds the scratch buffers, reused from block to block.
 */
export class SubframeEncoder {
  private readonly shifted: Int32Array
  private readonly windowed: Float64Array
  private readonly autoc = new Float64Array(MAX_LPC_ORDER + 1)
  private readonly coefs = new Float64Array(MAX_LPC_ORDER * MAX_LPC_ORDER)
  private readonly errors = new Float64Array(MAX_LPC_ORDER)
  private readonly qlp = new Int32Array(MAX_LPC_ORDER)
  private readonly lpcU: Uint32Array
  private readonly fixedU: Uint32Array
  private readonly lpcRice: RicePlanner
  private readonly fixedRice: RicePlanner

  /** `kernel`: the WebAssembly kernels, or null for the JS loops (the same results). */
  constructor(
    blockSize: number,
    private readonly kernel: FlacSimdKernel | null,
  ) {
    if (kernel && blockSize > FLAC_SIMD_MAX_BLOCK) throw new RangeError('block too large')
    this.shifted = new Int32Array(blockSize)
    this.windowed = new Float64Array(blockSize)
    this.lpcU = kernel ? kernel.u : new Uint32Array(blockSize)
    this.fixedU = kernel ? kernel.u2 : new Uint32Array(blockSize)
    this.lpcRice = new RicePlanner(kernel)
    this.fixedRice = new RicePlanner(kernel)
  }

  /** Writes x[0..n) as a subframe of `bits` bits per sample. */
  write(w: BitWriter, x: Int32Array, n: number, bits: number): void {
    let all = 0
    let constant = true
    const first = x[0]!
    for (let i = 0; i < n; i++) {
      const v = x[i]!
      all |= v
      if (v !== first) constant = false
    }
    if (constant) {
      w.write(0, 8) // zero pad bit, CONSTANT (000000), no wasted bits
      w.writeLong(first, bits)
      return
    }
    // Wasted bits: low bits that are zero in every sample are sent once, in the header.
    const wasted = all & 1 ? 0 : 31 - Math.clz32(all & -all)
    if (wasted > 0) {
      const s = this.shifted
      for (let i = 0; i < n; i++) s[i] = x[i]! >> wasted
      x = s
      bits -= wasted
    }
    const verbatimBits = n * bits
    let fixedOrder = 0
    let fixedBits = Infinity
    // LPC.
    let lpcOrder = 0
    let lpcShift = 0
    let lpcBits = Infinity
    if (n > 2 * MAX_LPC_ORDER) {
      const kernel = this.kernel
      if (kernel) {
        kernel.load(x, n)
        kernel.autocorrelation(n, tukeyWindow(n), MAX_LPC_ORDER, this.autoc)
      } else {
        autocorrelation(x, n, tukeyWindow(n), MAX_LPC_ORDER, this.windowed, this.autoc)
      }
      if (this.autoc[0]! > 0) {
        const orders = levinson(this.autoc, MAX_LPC_ORDER, this.coefs, this.errors)
        const order = bestOrder(this.errors, orders, n, bits)
        const shift = quantize(this.coefs, order, this.qlp)
        if (shift >= 0 && lpcResidual(x, n, this.qlp, order, shift, this.lpcU, kernel)) {
          lpcOrder = order
          lpcShift = shift
          lpcBits = 8 + order * bits + 4 + 5 + order * QLP_PRECISION
          lpcBits += this.lpcRice.plan(this.lpcU, n, order)
        }
      }
    }
    // FIXED where LPC is not possible (a short block, a residual too large), as ffmpeg does: on
    // music LPC of the best order is rarely beaten by a fixed predictor.
    if (lpcBits === Infinity) {
      fixedOrder = n > 4 ? fixedEstimate(x, n).order : 0
      fixedResidual(x, n, fixedOrder, this.fixedU)
      fixedBits = 8 + fixedOrder * bits + this.fixedRice.plan(this.fixedU, n, fixedOrder)
    }
    const wastedHeader = wasted > 0 ? wasted : 0
    if (verbatimBits <= fixedBits && verbatimBits <= lpcBits) {
      this.header(w, 0x01, wasted)
      for (let i = 0; i < n; i++) w.writeLong(x[i]!, bits)
      return
    }
    if (fixedBits <= lpcBits) {
      this.header(w, 0x08 | fixedOrder, wastedHeader)
      for (let i = 0; i < fixedOrder; i++) w.writeLong(x[i]!, bits)
      this.fixedRice.write(w, this.fixedU, n, fixedOrder)
      return
    }
    this.header(w, 0x20 | (lpcOrder - 1), wastedHeader)
    for (let i = 0; i < lpcOrder; i++) w.writeLong(x[i]!, bits)
    w.write(QLP_PRECISION - 1, 4)
    w.write(lpcShift, 5)
    for (let i = 0; i < lpcOrder; i++) w.write(this.qlp[i]!, QLP_PRECISION)
    this.lpcRice.write(w, this.lpcU, n, lpcOrder)
  }

  /** Subframe header: a zero bit, the 6-bit type, the wasted-bits flag and count (unary). */
  private header(w: BitWriter, type: number, wasted: number): void {
    w.write((type << 1) | (wasted > 0 ? 1 : 0), 8)
    if (wasted > 0) {
      for (let i = 1; i < wasted; i++) w.write(0, 1)
      w.write(1, 1)
    }
  }
}
