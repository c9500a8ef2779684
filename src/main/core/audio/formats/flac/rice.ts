import type { BitKernel, BitWriter } from './bits'

/**
 * Partitioned Rice coding of a subframe's residual: the partition order (up to 8, as ffmpeg's
 * default level) and each partition's parameter are chosen from the sums of the zigzagged
 * residuals, finest partitions first and merged pairwise for coarser orders.
 */
export const MAX_PARTITION_ORDER = 8
/** Parameters above this need the 5-bit coding method (RICE2); 15 is the escape code. */
const RICE_MAX = 14
/** The largest RICE2 parameter (31 is its escape code). */
const RICE2_MAX = 30

const INV_POW2 = Float64Array.from({ length: 32 }, (_, c) => 2 ** -c)

/** A planner with its tables, reused for every subframe. */
export class RicePlanner {
  /** Sums per partition: order p's 2^p partitions at offset 2^p. */
  private readonly sums = new Float64Array(2 << MAX_PARTITION_ORDER)
  private readonly trial = new Int32Array(1 << MAX_PARTITION_ORDER)
  /** The chosen plan: parameters, partition order, estimated bits (partition headers included). */
  readonly params = new Int32Array(1 << MAX_PARTITION_ORDER)
  partitionOrder = 0
  bits = 0
  /** Whether a parameter needs RICE2 (5-bit parameters). */
  wide = false

  /** `kernel`: sums residuals that are in its memory. */
  constructor(private readonly kernel: BitKernel | null = null) {}

  /** Plans residual u[order..n); returns the estimated bits of the residual section. */
  plan(u: Uint32Array, n: number, order: number): number {
    let maxOrder = 0
    while (
      maxOrder < MAX_PARTITION_ORDER &&
      n % (2 << maxOrder) === 0 &&
      n >> (maxOrder + 1) > order
    ) {
      maxOrder++
    }
    const sums = this.sums
    const top = 1 << maxOrder
    const size = n >> maxOrder
    const kernel = this.kernel
    if (kernel && (u === kernel.u || u === kernel.u2)) {
      kernel.partitionSums(u, order, size, top, sums, top)
    } else this.sumPartitions(u, order, size, top)
    for (let po = maxOrder - 1; po >= 0; po--) {
      const at = 1 << po
      for (let p = 0; p < at; p++) sums[at + p] = sums[2 * (at + p)]! + sums[2 * (at + p) + 1]!
    }
    let bestBits = Infinity
    for (let po = maxOrder; po >= 0; po--) {
      const parts = 1 << po
      let bits = 0
      let wide = false
      for (let p = 0; p < parts; p++) {
        const count = (n >> po) - (p === 0 ? order : 0)
        const sum = sums[parts + p]!
        const k = bestParam(sum, count)
        this.trial[p] = k
        if (k > RICE_MAX) wide = true
        bits += riceBits(sum, count, k)
      }
      bits += parts * (wide ? 5 : 4)
      if (bits < bestBits) {
        bestBits = bits
        this.params.set(this.trial.subarray(0, parts))
        this.partitionOrder = po
        this.wide = wide
      }
    }
    this.bits = 6 + bestBits
    return this.bits
  }

  /** Sums of u over `top` partitions of `size` values (the first from `order`) at sums[top..]. */
  private sumPartitions(u: Uint32Array, order: number, size: number, top: number): void {
    for (let p = 0; p < top; p++) {
      let s = 0
      const end = (p + 1) * size
      for (let i = p === 0 ? order : p * size; i < end; i++) s += u[i]!
      this.sums[top + p] = s
    }
  }

  /** Writes the residual section (coding method, partition order, partitions) as planned. */
  write(w: BitWriter, u: Uint32Array, n: number, order: number): void {
    const po = this.partitionOrder
    const parts = 1 << po
    w.write(this.wide ? 1 : 0, 2)
    w.write(po, 4)
    const paramBits = this.wide ? 5 : 4
    const size = n >> po
    for (let p = 0; p < parts; p++) {
      const k = this.params[p]!
      const from = p === 0 ? order : p * size
      const to = (p + 1) * size
      // Σ floor(u / 2^k) ≤ Σ u / 2^k: an upper bound on the partition's bytes.
      w.reserve(Math.ceil(((to - from) * (k + 1) + this.sums[parts + p]! * INV_POW2[k]!) / 8) + 8)
      w.write(k, paramBits)
      w.writeRice(u, from, to, k)
    }
  }
}

/** Bits of `count` Rice codes with parameter k whose values sum to `sum` (their low bits taken
 * as evenly spread). */
function riceBits(sum: number, count: number, k: number): number {
  if (k === 0) return count + sum
  const high = (sum - count * 0.5 * ((1 << k) - 1)) * INV_POW2[k]!
  return count * (k + 1) + (high > 0 ? high : 0)
}

/** The Rice parameter with the fewest estimated bits for `count` values summing to `sum`. */
function bestParam(sum: number, count: number): number {
  if (count <= 0) return 0
  const mean = sum / count
  if (mean < 1) return 0
  // Near log2(mean): the neighbours are compared, the estimate is not exact.
  const guess = Math.min(RICE2_MAX, Math.floor(Math.log2(mean)))
  let best = guess
  let bestBits = riceBits(sum, count, guess)
  if (guess > 0) {
    const below = riceBits(sum, count, guess - 1)
    if (below < bestBits) {
      best = guess - 1
      bestBits = below
    }
  }
  if (guess < RICE2_MAX && riceBits(sum, count, guess + 1) < bestBits) best = guess + 1
  return best
}
