import { rng } from '../../helpers/audio'

/** The Float32 values next to x (one step below and above, as the bits go). */
function float32Neighbours(x: number): number[] {
  const f = new Float32Array([x])
  const bits = new Int32Array(f.buffer)
  const out: number[] = []
  for (const step of [-1, 1]) {
    bits[0] = bits[0]! + step
    out.push(f[0]!)
    bits[0] = bits[0] - step
  }
  return out
}

/**
 * Samples that catch any difference in integer conversion: random values beyond full scale,
 * exact half steps of 16 and 24-bit (and the Float32 values around them), ±0, ±1, tiny values,
 * ±Infinity and NaN.
 */
export function roundingCases(count: number, seed: number): Float32Array {
  const values: number[] = [0, -0, 1, -1, 0.5, -0.5, NaN, Infinity, -Infinity, 1e-40, -1e-40, 3e38]
  for (const bits of [16, 24]) {
    const scale = 2 ** (bits - 1)
    for (const k of [
      -scale - 1,
      -scale,
      -scale + 1,
      -3,
      -1,
      0,
      1,
      2,
      scale - 2,
      scale - 1,
      scale,
    ]) {
      const half = (k + 0.5) / scale
      values.push(half, ...float32Neighbours(half), k / scale, ...float32Neighbours(k / scale))
    }
  }
  const random = rng(seed)
  while (values.length < count) {
    const kind = random()
    if (kind < 0.6) values.push(2.4 * (random() - 0.5))
    else {
      // A half step of a random integer, or next to one.
      const scale = random() < 0.5 ? 32768 : 8388608
      const half = (Math.floor((random() - 0.5) * 2 * scale) + 0.5) / scale
      values.push(kind < 0.8 ? half : float32Neighbours(half)[kind < 0.9 ? 0 : 1]!)
    }
  }
  return new Float32Array(values.slice(0, count))
}
