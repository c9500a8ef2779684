// The K-weighting of ITU-R BS.1770-4 (loudness): shared by the export's meter in main and the
// playback meter in the renderer, so that both measure the same thing.

export interface Biquad {
  b0: number
  b1: number
  b2: number
  a1: number
  a2: number
}

/** The two K-weighting stages for a sample rate (libebur128's formulas). */
export function kWeightingFilters(sampleRate: number): [Biquad, Biquad] {
  let f0 = 1681.974450955533
  const G = 3.999843853973347
  let Q = 0.7071752369554196
  let K = Math.tan((Math.PI * f0) / sampleRate)
  const Vh = 10 ** (G / 20)
  const Vb = Vh ** 0.4996667741545416
  let a0 = 1 + K / Q + K * K
  const shelf: Biquad = {
    b0: (Vh + (Vb * K) / Q + K * K) / a0,
    b1: (2 * (K * K - Vh)) / a0,
    b2: (Vh - (Vb * K) / Q + K * K) / a0,
    a1: (2 * (K * K - 1)) / a0,
    a2: (1 - K / Q + K * K) / a0,
  }
  f0 = 38.13547087602444
  Q = 0.5003270373238773
  K = Math.tan((Math.PI * f0) / sampleRate)
  a0 = 1 + K / Q + K * K
  const highPass: Biquad = {
    b0: 1,
    b1: -2,
    b2: 1,
    a1: (2 * (K * K - 1)) / a0,
    a2: (1 - K / Q + K * K) / a0,
  }
  return [shelf, highPass]
}

/**
 * K-weights samples [at, at + n) of one channel through both stages and answers the sum of
 * squares of the result. `state` (8 values, zero at the start) carries the filters' memory from
 * call to call: shelf x1 x2 y1 y2, then high-pass x1 x2 y1 y2 (direct form I).
 */
export function kWeightedEnergy(
  filters: readonly [Biquad, Biquad],
  state: Float64Array,
  x: Float32Array,
  at: number,
  n: number,
): number {
  const [{ b0, b1, b2, a1, a2 }, h] = filters
  let x1 = state[0]!
  let x2 = state[1]!
  let y1 = state[2]!
  let y2 = state[3]!
  let u1 = state[4]!
  let u2 = state[5]!
  let z1 = state[6]!
  let z2 = state[7]!
  let sum = 0
  for (let i = at, end = at + n; i < end; i++) {
    const x0 = x[i]!
    const y0 = b0 * x0 + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
    x2 = x1
    x1 = x0
    y2 = y1
    y1 = y0
    const z0 = y0 - 2 * u1 + u2 - h.a1 * z1 - h.a2 * z2
    u2 = u1
    u1 = y0
    z2 = z1
    z1 = z0
    sum += z0 * z0
  }
  // Flush denormals.
  if (Math.abs(y1) < 1e-30 && Math.abs(y2) < 1e-30) y1 = y2 = 0
  if (Math.abs(z1) < 1e-30 && Math.abs(z2) < 1e-30) z1 = z2 = 0
  state[0] = x1
  state[1] = x2
  state[2] = y1
  state[3] = y2
  state[4] = u1
  state[5] = u2
  state[6] = z1
  state[7] = z2
  return sum
}
