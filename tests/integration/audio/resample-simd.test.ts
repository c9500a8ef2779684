import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  designResampler,
  inputSpan,
  resample,
  resampledLength,
  type ResampleFilter,
} from '../../../src/main/core/audio/dsp/resample'
import {
  resampleKernelPairScalar,
  resampleKernelScalar,
} from '../../../src/main/core/audio/dsp/resample-scalar'
import { simdResampleKernel } from '../../../src/main/core/audio/simd/resample-kernel'
import { maxDiff, rng } from '../../helpers/audio'

const root = join(__dirname, '../../..')

/**
 * Music-like test signal near full scale: a few harmonic notes with decaying envelopes that
 * change every quarter second, plus noise, different per channel.
 */
function musicLike(rate: number, frames: number, seed: number): Float32Array {
  const random = rng(seed)
  const x = new Float32Array(frames)
  const note = Math.floor(rate / 4)
  for (let start = 0; start < frames; start += note) {
    const voices = Array.from({ length: 3 }, () => ({
      freq: 55 * 2 ** (random() * 6),
      amp: 0.1 + 0.15 * random(),
    }))
    for (let i = start; i < Math.min(frames, start + note); i++) {
      const t = (i - start) / rate
      let v = 0
      for (const { freq, amp } of voices) {
        for (let h = 1; h <= 6 && freq * h < rate / 2; h++) {
          v += (amp / h) * Math.sin(2 * Math.PI * freq * h * t)
        }
      }
      x[i] = Math.max(-0.99, Math.min(0.99, v * Math.exp(-3 * t) + 0.05 * (random() - 0.5)))
    }
  }
  return x
}

/** The whole resampled signal through the scalar kernels (the pre-SIMD implementation). */
function scalarResample(filter: ResampleFilter, channels: Float32Array[]): Float32Array[] {
  const frames = channels[0]!.length
  const count = resampledLength(frames, filter.inRate, filter.outRate)
  const { first, last } = inputSpan(filter, 0, count)
  const padded = channels.map((ch) => {
    const x = new Float32Array(last - first + 1)
    x.set(ch.subarray(0, Math.min(frames, last + 1)), -first)
    return x
  })
  const out = channels.map(() => new Float32Array(count))
  if (channels.length === 2) {
    resampleKernelPairScalar(filter, padded[0]!, padded[1]!, first, 0, count, out[0]!, out[1]!)
  } else {
    resampleKernelScalar(filter, padded[0]!, first, 0, count, out[0]!)
  }
  return out
}

describe('resample SIMD kernel', () => {
  it('is available in this runtime (so the other tests exercise it)', () => {
    expect(simdResampleKernel()).not.toBeNull()
  })

  it('matches the scalar kernel within 1e-6 on music-like signals', () => {
    for (const [from, to] of [
      [32000, 48000],
      [44100, 48000],
      [32000, 44100],
      [48000, 44100],
      [48000, 32000],
    ] as const) {
      const frames = from * 3
      const stereo = [musicLike(from, frames, 1), musicLike(from, frames, 2)]
      const filter = designResampler(from, to)
      const simd = resample({ sampleRate: from, channels: stereo }, to).channels
      const reference = scalarResample(filter, stereo)
      expect(maxDiff(simd, reference)).toBeLessThan(1e-6)
      // Mono goes through the single-channel entry point of the module.
      const mono = resample({ sampleRate: from, channels: [stereo[1]!] }, to).channels
      expect(maxDiff(mono, [simd[1]!])).toBe(0)
    }
  })

  it('handles a tap count that is not a multiple of 8', () => {
    const filter = designResampler(32000, 48000, { attenuationDb: 100 })
    expect(filter.taps % 8).toBe(4)
    const x = [musicLike(32000, 32000, 3), musicLike(32000, 32000, 4)]
    const simd = resample({ sampleRate: 32000, channels: x }, 48000, { attenuationDb: 100 })
    expect(maxDiff(simd.channels, scalarResample(filter, x))).toBeLessThan(1e-6)
  })

  it('rejects filters it cannot run, naming the problem', () => {
    const kernel = simdResampleKernel()!
    const x = new Float32Array(1000)
    const out = new Float32Array(10)
    expect(() => kernel.run(designResampler(44057, 48000), [x], -100, 0, 10, [out])).toThrow(
      /polyphase table/,
    )
    expect(() =>
      kernel.run(designResampler(32000, 48000), [x, x, x], -100, 0, 10, [out, out, out]),
    ).toThrow(/1 or 2 channels/)
  })

  it('is built from the committed simd/resample.wat (scripts/build-wasm.mjs --check)', () => {
    const res = spawnSync(process.execPath, [join(root, 'scripts/build-wasm.mjs'), '--check'], {
      encoding: 'utf8',
    })
    expect(res.stderr).toBe('')
    expect(res.status).toBe(0)
  })
})
