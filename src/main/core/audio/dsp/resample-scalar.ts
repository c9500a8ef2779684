import type { ResampleFilter } from './resample-filter'

/**
 * The filter loop for one channel in plain JavaScript (float64 coefficients and sums): writes
 * outputs [outStart, outStart + count) into out[outOffset…], reading `x`, whose element 0 is
 * input frame `xStart` and which covers inputSpan(filter, outStart, count) entirely. The only
 * kernel for filters without a polyphase table, the fallback without WebAssembly SIMD, and the
 * reference the SIMD kernel is tested against.
 */
export function resampleKernelScalar(
  filter: ResampleFilter,
  x: Float32Array,
  xStart: number,
  outStart: number,
  count: number,
  out: Float32Array,
  outOffset = 0,
): void {
  const { up, down, taps } = filter
  const half = taps / 2
  let base = Math.floor((outStart * down) / up)
  let p = outStart * down - base * up
  const bInc = Math.floor(down / up)
  const pInc = down - bInc * up
  const table = filter.table
  if (table !== null) {
    for (let n = 0; n < count; n++) {
      const c = p * taps
      const xi = base - xStart - half + 1
      let a0 = 0
      let a1 = 0
      let a2 = 0
      let a3 = 0
      for (let j = 0; j < taps; j += 4) {
        a0 += table[c + j]! * x[xi + j]!
        a1 += table[c + j + 1]! * x[xi + j + 1]!
        a2 += table[c + j + 2]! * x[xi + j + 2]!
        a3 += table[c + j + 3]! * x[xi + j + 3]!
      }
      out[outOffset + n] = a0 + a1 + a2 + a3
      p += pInc
      base += bInc
      if (p >= up) {
        p -= up
        base++
      }
    }
    return
  }
  const proto = filter.proto!
  const steps = filter.protoSteps
  const row = steps + 1
  for (let n = 0; n < count; n++) {
    const pos = (p / up) * steps
    const k = Math.min(steps - 1, Math.floor(pos))
    const w = pos - k
    const xi = base - xStart - half + 1
    let acc = 0
    for (let j = 0, r = k; j < taps; j++, r += row) {
      acc += (proto[r]! + (proto[r + 1]! - proto[r]!) * w) * x[xi + j]!
    }
    out[outOffset + n] = acc
    p += pInc
    base += bInc
    if (p >= up) {
      p -= up
      base++
    }
  }
}

/**
 * resampleKernelScalar for two channels at once (one coefficient load for two products): the
 * same results as two resampleKernelScalar calls. Needs the polyphase table.
 */
export function resampleKernelPairScalar(
  filter: ResampleFilter,
  x0: Float32Array,
  x1: Float32Array,
  xStart: number,
  outStart: number,
  count: number,
  out0: Float32Array,
  out1: Float32Array,
): void {
  const { up, down, taps } = filter
  const table = filter.table!
  const half = taps / 2
  let base = Math.floor((outStart * down) / up)
  let p = outStart * down - base * up
  const bInc = Math.floor(down / up)
  const pInc = down - bInc * up
  for (let n = 0; n < count; n++) {
    const c = p * taps
    const xi = base - xStart - half + 1
    let a0 = 0
    let a1 = 0
    let a2 = 0
    let a3 = 0
    let b0 = 0
    let b1 = 0
    let b2 = 0
    let b3 = 0
    for (let j = 0; j < taps; j += 4) {
      const h0 = table[c + j]!
      const h1 = table[c + j + 1]!
      const h2 = table[c + j + 2]!
      const h3 = table[c + j + 3]!
      const k = xi + j
      a0 += h0 * x0[k]!
      a1 += h1 * x0[k + 1]!
      a2 += h2 * x0[k + 2]!
      a3 += h3 * x0[k + 3]!
      b0 += h0 * x1[k]!
      b1 += h1 * x1[k + 1]!
      b2 += h2 * x1[k + 2]!
      b3 += h3 * x1[k + 3]!
    }
    out0[n] = a0 + a1 + a2 + a3
    out1[n] = b0 + b1 + b2 + b3
    p += pInc
    base += bInc
    if (p >= up) {
      p -= up
      base++
    }
  }
}
