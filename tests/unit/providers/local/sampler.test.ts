import { describe, expect, it } from 'vitest'
import {
  SeededRandom,
  type SamplingParams,
  sampleToken,
  topOrder,
} from '../../../../src/main/core/providers/local/sampler'

// The sampler ranks only the candidates it needs (a selection, not a sort of all 2048 logits).
// The reference below is the plain way: sort everything by logit then index, keep top-k or the
// top-p nucleus, draw once. Both must pick the same token from the same draw.

function reference(logits: Float32Array, p: SamplingParams, u01: number): number {
  const n = logits.length
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => logits[b]! - logits[a]! || a - b,
  )
  if (p.temperature <= 0) return order[0]!
  const max = logits[order[0]!]!
  const w = order.map((i) => Math.exp((logits[i]! - max) / p.temperature))
  let keep = p.topP <= 0 && p.topK > 0 ? Math.min(p.topK, n) : n
  if (p.topP > 0 && p.topP < 1) {
    const total = w.reduce((s, x) => s + x, 0)
    let cum = 0
    for (let i = 0; i < n; i++) {
      cum += w[i]!
      if (cum / total >= p.topP) {
        keep = i + 1
        break
      }
    }
  }
  let sum = 0
  for (let i = 0; i < keep; i++) sum += w[i]!
  let u = u01 * sum
  for (let i = 0; i < keep; i++) {
    u -= w[i]!
    if (u < 0) return order[i]!
  }
  return order[keep - 1]!
}

function logits(seed: number, n: number, ties: boolean): Float32Array {
  const r = new SeededRandom(seed)
  // With ties, values come from a handful of levels so equal logits are everywhere.
  return Float32Array.from({ length: n }, () =>
    ties ? Math.floor(r.next() * 6) : (r.next() - 0.5) * 12,
  )
}

describe('local sampler', () => {
  it('ranks the m largest logits as a full sort would, equal values by index', () => {
    for (const ties of [false, true]) {
      for (const m of [1, 5, 250, 2047, 2048]) {
        const l = logits(m, 2048, ties)
        const full = Array.from({ length: 2048 }, (_, i) => i).sort(
          (a, b) => l[b]! - l[a]! || a - b,
        )
        expect(Array.from(topOrder(l, m))).toEqual(full.slice(0, m))
      }
    }
  })

  it('picks what the plain sort-everything sampler picks, for top-k, top-p and neither', () => {
    const cases: SamplingParams[] = [
      { topK: 250, topP: 0, temperature: 1, guidance: 1 },
      { topK: 1, topP: 0, temperature: 1, guidance: 1 },
      { topK: 0, topP: 0.9, temperature: 0.7, guidance: 1 },
      { topK: 250, topP: 0.3, temperature: 1.3, guidance: 1 },
      { topK: 0, topP: 0.999, temperature: 1, guidance: 1 },
      { topK: 0, topP: 0, temperature: 1, guidance: 1 },
      { topK: 250, topP: 0, temperature: 0, guidance: 1 },
    ]
    for (const [c, p] of cases.entries()) {
      for (let trial = 0; trial < 40; trial++) {
        const l = logits(1000 * c + trial, 2048, trial % 4 === 0)
        const seed = 7 * trial + c
        const draw = new SeededRandom(seed).next()
        expect(sampleToken(l, p, new SeededRandom(seed)), `case ${c} trial ${trial}`).toBe(
          reference(l, p, draw),
        )
      }
    }
  })

  it('gives the same token for the same seed, and draws spread over the candidates', () => {
    const l = logits(3, 2048, false)
    const p = { topK: 50, topP: 0, temperature: 1, guidance: 1 }
    const a = new SeededRandom(42)
    const b = new SeededRandom(42)
    const picks = Array.from({ length: 200 }, () => sampleToken(l, p, a))
    expect(Array.from({ length: 200 }, () => sampleToken(l, p, b))).toEqual(picks)
    expect(new Set(picks).size).toBeGreaterThan(10)
    const top50 = new Set(topOrder(l, 50))
    expect(picks.every((t) => top50.has(t))).toBe(true)
  })
})
