import type { FlacSimdKernel } from '../../simd/flac-kernel'

/**
 * Linear prediction for the FLAC encoder, as libFLAC does it at its default level: the block
 * through a tukey(0.5) window, its autocorrelation, Levinson-Durbin for every order up to the
 * maximum, the order whose expected residual plus coefficient bits is smallest, coefficients
 * quantized with error feedback, then the residual with the decoder's exact integer arithmetic.
 */

/** The highest LPC order tried (libFLAC -5 and ffmpeg's level 5 both stop at 8). */
export const MAX_LPC_ORDER = 8
/** Bits per quantized coefficient (ffmpeg's choice; a FLAC stream allows up to 15). */
export const QLP_PRECISION = 15
/** The largest coefficient shift a FLAC stream can hold (a signed 5-bit field). */
const MAX_SHIFT = 15
/**
 * Residuals are refused beyond this magnitude: FLAC requires them to fit in 32 bits signed, and
 * the zigzag codes of the Rice coder then fit in 32 bits unsigned.
 */
const MAX_RESIDUAL = 2 ** 30

const windows = new Map<number, Float64Array>()

/** tukey(0.5): flat in the middle half, raised-cosine edges (libFLAC's default apodization). */
export function tukeyWindow(n: number): Float64Array {
  let w = windows.get(n)
  if (w) return w
  w = new Float64Array(n).fill(1)
  const taper = Math.floor(0.25 * n)
  if (taper > 0) {
    for (let i = 0; i < taper; i++) {
      const v = 0.5 - 0.5 * Math.cos((Math.PI * i) / taper)
      w[i] = v
      w[n - 1 - i] = v
    }
  }
  // Only the block sizes in use are kept (a stream has at most two: the full and the last).
  if (windows.size > 4) windows.clear()
  windows.set(n, w)
  return w
}

/** Autocorrelation of x[0..n) × window for lags 0..maxLag, into `out`. */
export function autocorrelation(
  x: Int32Array,
  n: number,
  window: Float64Array,
  maxLag: number,
  scratch: Float64Array,
  out: Float64Array,
): void {
  for (let i = 0; i < n; i++) scratch[i] = x[i]! * window[i]!
  for (let lag = 0; lag <= maxLag; lag++) {
    // Four sums, added in the order of the SIMD kernel (simd/flac.wat): the same result.
    let s0 = 0
    let s1 = 0
    let s2 = 0
    let s3 = 0
    let i = lag
    for (; i + 4 <= n; i += 4) {
      s0 += scratch[i]! * scratch[i - lag]!
      s1 += scratch[i + 1]! * scratch[i + 1 - lag]!
      s2 += scratch[i + 2]! * scratch[i + 2 - lag]!
      s3 += scratch[i + 3]! * scratch[i + 3 - lag]!
    }
    let sum = s0 + s2 + (s1 + s3)
    for (; i < n; i++) sum += scratch[i]! * scratch[i - lag]!
    out[lag] = sum
  }
}

const levinsonScratch = new Float64Array(MAX_LPC_ORDER)

/**
 * Levinson-Durbin recursion: the predictor coefficients of every order 1..maxOrder (order m's in
 * coefs[(m - 1) × MAX_LPC_ORDER ..], x̂[i] = Σ c[j] × x[i - 1 - j]) and each order's prediction
 * error. Returns the highest order computed (lower than maxOrder when the error reached zero).
 */
export function levinson(
  autoc: Float64Array,
  maxOrder: number,
  coefs: Float64Array,
  errors: Float64Array,
): number {
  const lpc = levinsonScratch.fill(0)
  let err = autoc[0]!
  for (let i = 0; i < maxOrder; i++) {
    let r = -autoc[i + 1]!
    for (let j = 0; j < i; j++) r -= lpc[j]! * autoc[i - j]!
    r /= err
    lpc[i] = r
    let j = 0
    for (; j < i >> 1; j++) {
      const tmp = lpc[j]!
      lpc[j] = tmp + r * lpc[i - 1 - j]!
      lpc[i - 1 - j] = lpc[i - 1 - j]! + r * tmp
    }
    if (i & 1) lpc[j] = lpc[j]! + lpc[j]! * r
    err *= 1 - r * r
    for (let k = 0; k <= i; k++) coefs[i * MAX_LPC_ORDER + k] = -lpc[k]!
    errors[i] = err
    if (!(err > 0)) return i + 1
  }
  return maxOrder
}

/**
 * The order with the fewest expected bits: each residual costs about ½ log2(error / 2n) bits,
 * each order its warm-up sample and its coefficient (libFLAC's estimate).
 */
export function bestOrder(errors: Float64Array, orders: number, n: number, bits: number): number {
  let best = 1
  let bestBits = Infinity
  for (let order = 1; order <= orders; order++) {
    const err = errors[order - 1]!
    const perSample = err > 0 ? Math.max(0, 0.5 * Math.log2((0.5 / n) * err)) : 0
    const total = perSample * (n - order) + order * (bits + QLP_PRECISION)
    if (total < bestBits) {
      best = order
      bestBits = total
    }
  }
  return best
}

/**
 * Quantizes order `order`'s coefficients to QLP_PRECISION bits with the largest shift that fits,
 * carrying each rounding error into the next coefficient. Returns the shift, or -1 when the
 * coefficients cannot be represented (all zero, or too large for any shift ≥ 0).
 */
export function quantize(
  coefs: Float64Array,
  order: number,
  qlp: Int32Array,
  precision = QLP_PRECISION,
): number {
  const base = (order - 1) * MAX_LPC_ORDER
  let cmax = 0
  for (let j = 0; j < order; j++) cmax = Math.max(cmax, Math.abs(coefs[base + j]!))
  if (!(cmax > 0) || !Number.isFinite(cmax)) return -1
  const qmax = (1 << (precision - 1)) - 1
  const qmin = -(1 << (precision - 1))
  // frexp's exponent: cmax = m × 2^e with m in [0.5, 1).
  const log2cmax = Math.floor(Math.log2(cmax)) + 1
  let shift = precision - 1 - log2cmax
  if (shift > MAX_SHIFT) shift = MAX_SHIFT
  if (shift < 0) return -1
  let error = 0
  const scale = 2 ** shift
  for (let j = 0; j < order; j++) {
    error += coefs[base + j]! * scale
    let q = Math.round(error)
    if (q > qmax) q = qmax
    else if (q < qmin) q = qmin
    error -= q
    qlp[j] = q
  }
  return shift
}

/**
 * The residual x[i] - (Σ qlp[j] × x[i - 1 - j] >> shift) for i in [order, n), zigzagged into `u`
 * (2r for r ≥ 0, -2r - 1 below). Sums are kept in doubles: with 25-bit samples and 15-bit
 * coefficients they stay below 2^44, exact. With a kernel (which holds x, loaded), `u` must be
 * the kernel's. Returns false when a residual is too large for FLAC.
 */
export function lpcResidual(
  x: Int32Array,
  n: number,
  qlp: Int32Array,
  order: number,
  shift: number,
  u: Uint32Array,
  kernel: FlacSimdKernel | null,
): boolean {
  const inv = 2 ** -shift
  let peak = 0
  // The first samples (where taps beyond `order` would reach before the block) one at a time.
  const head = Math.min(n, MAX_LPC_ORDER)
  for (let i = order; i < head; i++) peak = Math.max(peak, residualAt(x, i, qlp, order, inv, u))
  if (n <= head) return peak < MAX_RESIDUAL
  const pairs = (n - head) >> 1
  if (kernel) peak = Math.max(peak, kernel.residual(qlp, order, shift, pairs))
  else peak = Math.max(peak, residual8(x, head, head + 2 * pairs, qlp, order, inv, u))
  if ((n - head) & 1) peak = Math.max(peak, residualAt(x, n - 1, qlp, order, inv, u))
  return peak < MAX_RESIDUAL
}

/** One residual sample; returns its magnitude. */
function residualAt(
  x: Int32Array,
  i: number,
  qlp: Int32Array,
  order: number,
  inv: number,
  u: Uint32Array,
): number {
  let sum = 0
  for (let j = 0; j < order; j++) sum += qlp[j]! * x[i - 1 - j]!
  const r = x[i]! - Math.floor(sum * inv)
  u[i] = r >= 0 ? 2 * r : -2 * r - 1
  return r < 0 ? -r : r
}

/** Residuals for i in [from, to), from ≥ 8, with all 8 taps (unused ones zero). */
function residual8(
  x: Int32Array,
  from: number,
  to: number,
  qlp: Int32Array,
  order: number,
  inv: number,
  u: Uint32Array,
): number {
  const c0 = qlp[0]!
  const c1 = order > 1 ? qlp[1]! : 0
  const c2 = order > 2 ? qlp[2]! : 0
  const c3 = order > 3 ? qlp[3]! : 0
  const c4 = order > 4 ? qlp[4]! : 0
  const c5 = order > 5 ? qlp[5]! : 0
  const c6 = order > 6 ? qlp[6]! : 0
  const c7 = order > 7 ? qlp[7]! : 0
  let peak = 0
  for (let i = from; i < to; i++) {
    const sum =
      c0 * x[i - 1]! +
      c1 * x[i - 2]! +
      c2 * x[i - 3]! +
      c3 * x[i - 4]! +
      c4 * x[i - 5]! +
      c5 * x[i - 6]! +
      c6 * x[i - 7]! +
      c7 * x[i - 8]!
    const r = x[i]! - Math.floor(sum * inv)
    const a = r < 0 ? -r : r
    if (a > peak) peak = a
    u[i] = r >= 0 ? 2 * r : -2 * r - 1
  }
  return peak
}
