import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { pcmSimdKernel, type PcmSimdKernel } from '../../../src/main/core/audio/simd/pcm-kernel'
import { encodeWavFramesScalarInto } from '../../../src/main/core/audio/formats/wav/encode'
import { rng } from '../../helpers/audio'
import { roundingCases } from './rounding-cases'

const root = join(__dirname, '../../..')

function kernel(): PcmSimdKernel {
  const k = pcmSimdKernel()
  // Node 20 has WebAssembly SIMD: the kernel must exist, or these tests would test nothing.
  if (k === null) throw new Error('no WebAssembly SIMD in this runtime')
  return k
}

/** The kernel's bytes at outOffset of a buffer filled with 0xa5, checking nothing else moved. */
function simdBytes(
  bits: 16 | 24,
  left: Float32Array,
  right: Float32Array,
  start: number,
  count: number,
  outOffset: number,
): Uint8Array {
  const size = count * 2 * (bits / 8)
  const out = new Uint8Array(outOffset + size + 7).fill(0xa5)
  kernel().encodeStereo(bits, left, right, start, count, out, outOffset)
  expect(out.subarray(0, outOffset).every((b) => b === 0xa5)).toBe(true)
  expect(out.subarray(outOffset + size).every((b) => b === 0xa5)).toBe(true)
  return out.subarray(outOffset, outOffset + size)
}

function scalarBytes(
  bits: 16 | 24,
  left: Float32Array,
  right: Float32Array,
  start: number,
  count: number,
): Uint8Array {
  const out = new Uint8Array(count * 2 * (bits / 8))
  encodeWavFramesScalarInto(bits === 16 ? 'int16' : 'int24', [left, right], start, count, out)
  return out
}

describe('PcmSimdKernel.encodeStereo', () => {
  for (const bits of [16, 24] as const) {
    it(`writes the int${bits} bytes of the JavaScript encoder (rounding cases, any count and offset)`, () => {
      const left = roundingCases(9000, 11 + bits)
      const right = roundingCases(9000, 29 + bits)
      const counts = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 1001, 4095, 4096, 4097, 8990]
      for (const count of counts) {
        for (const start of [0, 3]) {
          for (const outOffset of [0, 1, 5]) {
            expect(
              simdBytes(bits, left, right, start, count, outOffset),
              `${count} frames from ${start}, at ${outOffset}`,
            ).toEqual(scalarBytes(bits, left, right, start, count))
          }
        }
      }
    })

    it(`writes the int${bits} bytes of the JavaScript encoder from its own memory`, () => {
      const k = kernel()
      const leased = k.leaseStereo(4096)
      expect(leased).not.toBeNull()
      try {
        const [left, right] = leased!
        left.set(roundingCases(4096, 3))
        right.set(roundingCases(4096, 4))
        expect(k.owns(left)).toBe(true)
        for (const count of [0, 1, 13, 4093, 4096]) {
          expect(simdBytes(bits, left, right, 0, count, 1), `${count} frames`).toEqual(
            scalarBytes(bits, left, right, 0, count),
          )
        }
      } finally {
        k.release()
      }
    })
  }

  it('refuses ranges outside the channels or the output', () => {
    const k = kernel()
    const left = new Float32Array(10)
    const right = new Float32Array(10)
    expect(() => k.encodeStereo(24, left, right, 5, 6, new Uint8Array(36), 0)).toThrow(/fewer/)
    expect(() => k.encodeStereo(24, left, right, 0, 10, new Uint8Array(59), 0)).toThrow(/too small/)
    expect(() => k.encodeStereo(16, left, right, 0, 10, new Uint8Array(40), 1)).toThrow(/too small/)
  })
})

describe('PcmSimdKernel.addInto', () => {
  it('adds in float32 exactly as the JavaScript sum', () => {
    const k = kernel()
    const leased = k.leaseStereo(4096)
    expect(leased).not.toBeNull()
    try {
      const [out, add] = leased!
      const random = rng(7)
      for (const n of [0, 1, 3, 4, 5, 1001, 4096]) {
        const a = Float32Array.from({ length: 4096 }, () => (random() - 0.5) * 3)
        const b = roundingCases(4096, n)
        out.set(a)
        add.set(b)
        const expected = Float32Array.from(a)
        for (let i = 0; i < n; i++) expected[i] = expected[i]! + b[i]!
        k.addInto(out, add, n)
        expect(out, `${n} floats`).toEqual(expected)
      }
    } finally {
      k.release()
    }
  })

  it('takes only buffers leased from it, leased to one user at a time', () => {
    const k = kernel()
    expect(k.leaseStereo(4097)).toBeNull()
    const leased = k.leaseStereo(64)
    expect(leased).not.toBeNull()
    try {
      expect(k.leaseStereo(64)).toBeNull()
      expect(() => k.addInto(new Float32Array(4), leased![0], 4)).toThrow(/leased/)
      expect(() => k.addInto(leased![0], leased![1], 65)).toThrow(/fewer/)
    } finally {
      k.release()
    }
    const again = k.leaseStereo(64)
    expect(again).not.toBeNull()
    k.release()
  })
})

describe('simd/pcm-wasm.ts', () => {
  it('is built from the committed simd/pcm.wat (scripts/build-wasm.mjs --check)', () => {
    const res = spawnSync(process.execPath, [join(root, 'scripts/build-wasm.mjs'), '--check'], {
      encoding: 'utf8',
    })
    expect(res.stderr).toBe('')
    expect(res.status).toBe(0)
  })
})
