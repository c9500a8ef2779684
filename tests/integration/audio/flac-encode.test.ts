import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  encodeFlac,
  FLAC_STREAMINFO_OFFSET,
  FlacEncoder,
} from '../../../src/main/core/audio/flac-encode'
import { parseFlacStreamInfo } from '../../../src/main/core/audio/flac-header'
import { decodeFileFully } from './decode-helpers'
import { ffmpegDecode, makeTempDir, rng, run, sine } from '../../helpers/audio'
import { roundingCases } from './rounding-cases'

const tmp = makeTempDir('flac-encode')
afterAll(() => tmp.cleanup())

/** A test signal already on the integer grid of `bits`, so that lossless means equal. */
function signal(frames: number, channels: number, bits: number, seed: number): Float32Array[] {
  const scale = 2 ** (bits - 1)
  const next = rng(seed)
  const out: Float32Array[] = []
  for (let c = 0; c < channels; c++) {
    const tone = sine(48000, 220 * (c + 1), frames, 0.6)
    const ch = new Float32Array(frames)
    for (let i = 0; i < frames; i++) {
      // Tone, noise, a silent stretch (constant subframes) and full-scale clips.
      let v = tone[i]! + 0.2 * (next() - 0.5)
      if (i > frames * 0.4 && i < frames * 0.55) v = 0
      if (i % 9973 === 5) v = c % 2 ? -1 : 1
      ch[i] = Math.max(-scale, Math.min(scale - 1, Math.round(v * scale))) / scale + 0
    }
    out.push(ch)
  }
  return out
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(tmp.dir, name)
  writeFileSync(path, bytes)
  return path
}

const hasFlacTool = spawnSync('flac', ['--version']).status === 0

describe('FLAC encoder', () => {
  it.each([
    [16, 2, 48000 * 2 + 17],
    [24, 2, 44100 + 4095],
    [16, 1, 1234],
    [24, 1, 4096 * 3],
    [24, 3, 5000],
  ] as const)('is lossless at %i bits, %i channel(s), %i frames', (bits, channels, frames) => {
    const input = signal(frames, channels, bits, bits * 10 + channels)
    const bytes = encodeFlac(input, 48000, bits)
    const path = write(`t-${bits}-${channels}-${frames}.flac`, bytes)
    const decoded = ffmpegDecode(path, channels)
    expect(decoded[0]!.length).toBe(frames)
    for (let c = 0; c < channels; c++) expect(decoded[c]).toEqual(input[c])
    const info = parseFlacStreamInfo(bytes)!
    expect(info).toEqual({ sampleRate: 48000, channels, bitsPerSample: bits, totalSamples: frames })
    if (hasFlacTool) run('flac', ['-t', '-s', path]) // verifies every CRC and the MD5
  })

  it('compresses: silence to almost nothing, a tone well below PCM size', () => {
    const silence = [new Float32Array(48000), new Float32Array(48000)]
    expect(encodeFlac(silence, 48000, 24).length).toBeLessThan(2000)
    const tone = [sine(48000, 440, 48000, 0.5), sine(48000, 440, 48000, 0.5)]
    expect(encodeFlac(tone, 48000, 16).length).toBeLessThan(48000 * 2 * 2 * 0.5)
  })

  it('streams in odd chunks to the same bytes, STREAMINFO patched at offset 8', async () => {
    const input = signal(30011, 2, 24, 99)
    const whole = encodeFlac(input, 44100, 24)
    const encoder = new FlacEncoder({ sampleRate: 44100, channels: 2, bitsPerSample: 24 })
    const parts: Uint8Array[] = [encoder.header()]
    for (let at = 0; at < 30011; at += 777) {
      parts.push(encoder.encode(input.map((ch) => ch.subarray(at, at + 777))))
    }
    const { frames, streamInfo } = encoder.finish()
    parts.push(frames)
    const streamed = Buffer.concat(parts)
    streamed.set(streamInfo, FLAC_STREAMINFO_OFFSET)
    expect(new Uint8Array(streamed)).toEqual(whole)
    // And our own decoder reads it back exactly.
    const back = await decodeFileFully(write('streamed.flac', streamed))
    expect(back.channels).toEqual(input)
  })

  it.each([16, 24] as const)(
    'converts to %i-bit as Math.round, clamped, NaN as 0 (half steps included)',
    async (bits) => {
      const scale = 2 ** (bits - 1)
      const input = [roundingCases(20011, bits), roundingCases(20011, bits + 1)]
      const path = write(`rounding-${bits}.flac`, encodeFlac(input, 48000, bits))
      const back = await decodeFileFully(path)
      const expected = input.map((channel) =>
        channel.map((x) => {
          const v = Math.round(x * scale)
          return (v > scale - 1 ? scale - 1 : v < -scale ? -scale : v || 0) / scale
        }),
      )
      expect(back.channels).toEqual(expected)
    },
  )

  it('clamps out-of-range and NaN samples', () => {
    const input = [new Float32Array([2, -2, NaN, 0.5, 1])]
    const path = write('clamp.flac', encodeFlac(input, 48000, 16))
    expect(Array.from(ffmpegDecode(path, 1)[0]!)).toEqual([
      32767 / 32768,
      -1,
      0,
      0.5,
      32767 / 32768,
    ])
  })
})
