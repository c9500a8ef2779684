import { describe, expect, it } from 'vitest'
import { PcmPeaksBuilder } from '../../../src/main/core/audio/formats/pcm/peaks'
import { PeaksBuilder, type Peaks } from '../../../src/main/core/audio/dsp/peaks'
import {
  bytesPerFrame,
  decodeInterleaved,
  type SampleLayout,
} from '../../../src/main/core/audio/formats/pcm/sample-format'
import { rng } from '../../helpers/audio'

/** Peaks as PeaksBuilder computes them from decodeInterleaved's floats: the reference. */
function referencePeaks(layout: SampleLayout, bytes: Uint8Array, resolutions: number[]): Peaks {
  const frames = bytes.length / bytesPerFrame(layout)
  const planar = Array.from({ length: layout.channels }, () => new Float32Array(frames))
  decodeInterleaved(layout, bytes, frames, planar)
  const builder = new PeaksBuilder(layout.channels, resolutions)
  builder.push(planar)
  return builder.finish()
}

/** Every peak value's float32 bits, so that -0/0 and ±Infinity must match exactly too. */
function bits(peaks: Peaks): unknown {
  return {
    channels: peaks.channels,
    frames: peaks.frames,
    levels: peaks.levels.map((level) => ({
      framesPerPeak: level.framesPerPeak,
      count: level.count,
      min: level.min.map((a) => [...new Uint32Array(a.buffer, a.byteOffset, a.length)]),
      max: level.max.map((a) => [...new Uint32Array(a.buffer, a.byteOffset, a.length)]),
    })),
  }
}

function randomBytes(n: number, seed: number): Uint8Array {
  const next = rng(seed)
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256)
  return out
}

const LAYOUTS: [string, Omit<SampleLayout, 'channels'>][] = [
  ['unsigned 8-bit', { encoding: 'uint8', bitsPerSample: 8, bigEndian: false }],
  ['signed 8-bit', { encoding: 'int', bitsPerSample: 8, bigEndian: true }],
  ['16-bit LE', { encoding: 'int', bitsPerSample: 16, bigEndian: false }],
  ['16-bit BE', { encoding: 'int', bitsPerSample: 16, bigEndian: true }],
  ['24-bit LE', { encoding: 'int', bitsPerSample: 24, bigEndian: false }],
  ['24-bit BE', { encoding: 'int', bitsPerSample: 24, bigEndian: true }],
  ['32-bit LE', { encoding: 'int', bitsPerSample: 32, bigEndian: false }],
  ['32-bit BE', { encoding: 'int', bitsPerSample: 32, bigEndian: true }],
  ['float LE', { encoding: 'float', bitsPerSample: 32, bigEndian: false }],
  ['float BE', { encoding: 'float', bitsPerSample: 32, bigEndian: true }],
  ['double LE', { encoding: 'float', bitsPerSample: 64, bigEndian: false }],
  ['double BE', { encoding: 'float', bitsPerSample: 64, bigEndian: true }],
]

describe('PcmPeaksBuilder', () => {
  describe.each([1, 2, 3])('%i channel(s)', (channels) => {
    it.each(LAYOUTS)(
      '%s: equals PeaksBuilder over the decoded floats, whatever the chunking',
      (_label, format) => {
        const layout: SampleLayout = { ...format, channels }
        const align = bytesPerFrame(layout)
        const frames = 9_000 + 77
        // Random bytes: every value, and for floats NaNs, infinities and -0 among them.
        const bytes = randomBytes(frames * align, channels * 100 + layout.bitsPerSample)
        for (const resolutions of [
          [256, 4096],
          [4096, 256, 1000],
          [1, 3],
        ]) {
          const builder = new PcmPeaksBuilder(layout, resolutions)
          const chunkFrames = rng(frames + resolutions.length)
          for (let at = 0; at < frames;) {
            const n = Math.min(frames - at, 1 + Math.floor(chunkFrames() * 700))
            // A copy, so that a scan reading past its chunk would see different bytes.
            builder.push(bytes.slice(at * align, (at + n) * align))
            at += n
          }
          expect(bits(builder.finish())).toEqual(bits(referencePeaks(layout, bytes, resolutions)))
        }
      },
    )
  })

  it('gives silence for a trailing bucket of NaNs only, and ±Infinity for a full one', () => {
    const layout: SampleLayout = {
      encoding: 'float',
      bitsPerSample: 32,
      bigEndian: false,
      channels: 1,
    }
    const samples = new Float32Array(256 + 10).fill(NaN)
    const bytes = new Uint8Array(samples.buffer)
    const builder = new PcmPeaksBuilder(layout, [256])
    builder.push(bytes)
    const peaks = builder.finish()
    expect([...peaks.levels[0]!.min[0]!]).toEqual([Infinity, 0])
    expect([...peaks.levels[0]!.max[0]!]).toEqual([-Infinity, 0])
    expect(bits(peaks)).toEqual(bits(referencePeaks(layout, bytes, [256])))
  })

  it('refuses bytes that are not whole frames', () => {
    const layout: SampleLayout = {
      encoding: 'int',
      bitsPerSample: 24,
      bigEndian: false,
      channels: 2,
    }
    expect(() => new PcmPeaksBuilder(layout).push(new Uint8Array(7))).toThrow(/whole frames/)
  })
})
