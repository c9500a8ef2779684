// Seeded sampling of one codebook's next token: classifier-free guidance, then temperature and
// either top-p or top-k as audiocraft's LM does it (top_p > 0 wins, else top_k > 0, else all). The generator is ours (not
// Math.random) so the same seed and parameters give the same codes, hence the same audio.

/** xoshiro128** seeded through splitmix32: fast, 2^128 period, identical on every platform. */
export class SeededRandom {
  #s = new Uint32Array(4)

  constructor(seed: number) {
    let x = seed >>> 0
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0
      let z = x
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
      this.#s[i] = (z ^ (z >>> 16)) >>> 0
    }
  }

  /** Uniform in [0, 1). */
  next(): number {
    const s = this.#s
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0
    const t = (s[1]! << 9) >>> 0
    s[2]! ^= s[0]!
    s[3]! ^= s[1]!
    s[1]! ^= s[2]!
    s[0]! ^= s[3]!
    s[2]! ^= t
    s[3] = rotl(s[3]!, 11)
    return result / 4294967296
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}

export interface SamplingParams {
  /** 0 disables top-k; ignored when topP > 0. */
  topK: number
  /** 0 disables top-p (audiocraft's convention). */
  topP: number
  /** 0 means greedy. */
  temperature: number
  /** Classifier-free guidance scale; ≤ 1 uses the conditional logits alone. */
  guidance: number
}

/** cond + (cond − uncond)·(scale − 1), i.e. uncond + (cond − uncond)·scale, into `out`. */
export function guide(
  cond: Float32Array,
  uncond: Float32Array | null,
  scale: number,
  out: Float32Array,
): Float32Array {
  if (uncond === null || scale <= 1) {
    out.set(cond)
    return out
  }
  for (let i = 0; i < cond.length; i++) out[i] = uncond[i]! + (cond[i]! - uncond[i]!) * scale
  return out
}

/**
 * Picks a token from logits (left unchanged). Top-p keeps the smallest set whose probability
 * reaches p; otherwise top-k keeps the k largest; one uniform draw picks from what remains.
 * Candidates are ranked by logit, then by index, so the pick depends on the values alone.
 */
export function sampleToken(logits: Float32Array, p: SamplingParams, random: SeededRandom): number {
  const n = logits.length
  if (p.temperature <= 0) return argmax(logits)
  const max = logits[argmax(logits)]!
  const weight = (i: number): number => Math.exp((logits[i]! - max) / p.temperature)
  let order: Int32Array
  let probs: Float64Array
  let sum = 0
  if (p.topP > 0 && p.topP < 1) {
    let total = 0
    for (let i = 0; i < n; i++) total += weight(i)
    // The nucleus is usually a small part of the vocabulary: rank a few, more if it is not reached.
    for (let m = Math.min(64, n); ; m = Math.min(m * 4, n)) {
      order = topOrder(logits, m)
      probs = Float64Array.from(order, weight)
      let cum = 0
      let count = 0
      while (count < m && cum / total < p.topP) cum += probs[count++]!
      if (cum / total >= p.topP || m === n) {
        order = order.subarray(0, count)
        sum = cum
        break
      }
    }
  } else {
    order = topOrder(logits, p.topP <= 0 && p.topK > 0 ? Math.min(p.topK, n) : n)
    probs = Float64Array.from(order, weight)
    for (const w of probs) sum += w
  }
  let u = random.next() * sum
  for (let i = 0; i < order.length; i++) {
    u -= probs[i]!
    if (u < 0) return order[i]!
  }
  return order[order.length - 1]!
}

/** The indices of the m largest values, largest first, equal values by index. */
export function topOrder(values: Float32Array, m: number): Int32Array {
  const n = values.length
  const byRank = (a: number, b: number): number => values[b]! - values[a]! || a - b
  if (m >= n) return Int32Array.from({ length: n }, (_, i) => i).sort(byRank)
  // The m-th largest value (selection in linear time), then one pass to pick and a short sort.
  const threshold = nthSmallest(Float32Array.from(values), n - m)
  const picked = new Int32Array(m)
  let count = 0
  for (let i = 0; i < n; i++) if (values[i]! > threshold) picked[count++] = i
  for (let i = 0; i < n && count < m; i++) if (values[i] === threshold) picked[count++] = i
  return picked.sort(byRank)
}

/** The value that would sit at index k were `a` sorted ascending; reorders `a`. */
function nthSmallest(a: Float32Array, k: number): number {
  let lo = 0
  let hi = a.length - 1
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!
    let i = lo
    let j = hi
    while (i <= j) {
      while (a[i]! < pivot) i++
      while (a[j]! > pivot) j--
      if (i <= j) {
        const t = a[i]!
        a[i++] = a[j]!
        a[j--] = t
      }
    }
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else return a[k]!
  }
  return a[k]!
}

function argmax(values: Float32Array): number {
  let best = 0
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i
  return best
}
