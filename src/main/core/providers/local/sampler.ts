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
 */
export function sampleToken(logits: Float32Array, p: SamplingParams, random: SeededRandom): number {
  const n = logits.length
  if (p.temperature <= 0) return argmax(logits)
  const order = Array.from({ length: n }, (_, i) => i)
  order.sort((a, b) => logits[b]! - logits[a]! || a - b)
  const keep = p.topP <= 0 && p.topK > 0 ? Math.min(p.topK, n) : n
  const max = logits[order[0]!]!
  const probs = new Float64Array(keep)
  let sum = 0
  for (let i = 0; i < keep; i++) {
    const e = Math.exp((logits[order[i]!]! - max) / p.temperature)
    probs[i] = e
    sum += e
  }
  let count = keep
  if (p.topP > 0 && p.topP < 1) {
    let cum = 0
    for (let i = 0; i < keep; i++) {
      cum += probs[i]! / sum
      if (cum >= p.topP) {
        count = i + 1
        break
      }
    }
    sum = 0
    for (let i = 0; i < count; i++) sum += probs[i]!
  }
  let u = random.next() * sum
  for (let i = 0; i < count; i++) {
    u -= probs[i]!
    if (u < 0) return order[i]!
  }
  return order[count - 1]!
}

function argmax(values: Float32Array): number {
  let best = 0
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i
  return best
}
