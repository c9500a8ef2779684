import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  encodeFlac,
  FLAC_STREAMINFO_OFFSET,
  FlacEncoder,
} from '../../../src/main/core/audio/formats/flac/encode'
import { parseFlacStreamInfo } from '../../../src/main/core/audio/formats/flac/header'
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

/** Planar channels from integer samples of `bits` bits (lossless means equal to these). */
function fromInts(ints: readonly (readonly number[])[], bits: number): Float32Array[] {
  const scale = 2 ** (bits - 1)
  return ints.map((ch) => Float32Array.from(ch, (v) => v / scale + 0))
}

/** The MD5 FLAC puts in STREAMINFO: interleaved little-endian samples of bits / 8 bytes. */
function pcmMd5(input: Float32Array[], bits: number): string {
  const bytes = bits / 8
  const frames = input[0]!.length
  const buf = Buffer.alloc(frames * input.length * bytes)
  let p = 0
  for (let i = 0; i < frames; i++) {
    for (const ch of input) {
      buf.writeIntLE(Math.round(ch[i]! * 2 ** (bits - 1)), p, bytes)
      p += bytes
    }
  }
  return createHash('md5').update(buf).digest('hex')
}

/**
 * Encodes `input` (already on the integer grid), and checks: ffmpeg decodes it to exactly the
 * input, STREAMINFO's MD5 is the input's, `flac -t` passes where installed, and the JS loops
 * give the same bytes as the SIMD kernels. Returns the file's bytes.
 */
function checkLossless(name: string, input: Float32Array[], bits: 16 | 24): Uint8Array {
  const bytes = encodeFlac(input, 48000, bits)
  const path = write(`${name}.flac`, bytes)
  const decoded = ffmpegDecode(path, input.length)
  expect(decoded[0]!.length).toBe(input[0]!.length)
  for (let c = 0; c < input.length; c++) expect(decoded[c]).toEqual(input[c])
  const md5 = Buffer.from(bytes.subarray(FLAC_STREAMINFO_OFFSET + 18, FLAC_STREAMINFO_OFFSET + 34))
  expect(md5.toString('hex')).toBe(pcmMd5(input, bits))
  if (hasFlacTool) run('flac', ['-t', '-s', path])
  const js = new FlacEncoder({
    sampleRate: 48000,
    channels: input.length,
    bitsPerSample: bits,
    simd: false,
  })
  const head = js.header()
  const body = js.encode(input)
  const { frames, streamInfo } = js.finish()
  head.set(streamInfo, FLAC_STREAMINFO_OFFSET)
  expect(Buffer.concat([head, body, frames]).equals(Buffer.from(bytes))).toBe(true)
  return bytes
}

/** The channel assignment of the first frame (the file has STREAMINFO only: it starts at 42). */
function firstAssignment(bytes: Uint8Array): number {
  expect([bytes[42], bytes[43]! & 0xfe]).toEqual([0xff, 0xf8])
  return bytes[45]! >> 4
}

function noise(frames: number, amplitude: number, seed: number): number[] {
  const next = rng(seed)
  return Array.from({ length: frames }, () => Math.round((next() * 2 - 1) * amplitude))
}

describe('FLAC encoder: lossless on every kind of input', () => {
  const full = { 16: 2 ** 15, 24: 2 ** 23 } as const
  const cases: [string, (frames: number, bits: 16 | 24) => number[][]][] = [
    ['silence', (n) => [new Array<number>(n).fill(0), new Array<number>(n).fill(0)]],
    ['DC', (n, b) => [new Array<number>(n).fill(full[b] - 1), new Array<number>(n).fill(-full[b])]],
    [
      'full-scale square',
      (n, b) => {
        const sq = Array.from({ length: n }, (_, i) => (i % 100 < 50 ? full[b] - 1 : -full[b]))
        return [sq, sq.map((v) => -1 - v)]
      },
    ],
    [
      'full-scale alternation (Nyquist)',
      (n, b) => [
        Array.from({ length: n }, (_, i) => (i & 1 ? -full[b] : full[b] - 1)),
        Array.from({ length: n }, (_, i) => (i & 1 ? full[b] - 1 : -full[b])),
      ],
    ],
    ['white noise at full scale', (n, b) => [noise(n, full[b] - 1, 1), noise(n, full[b] - 1, 2)]],
    [
      'a tone with noise',
      (n, b) => {
        const next = rng(5)
        const tone = (f: number) =>
          Array.from({ length: n }, (_, i) =>
            Math.round(full[b] * (0.5 * Math.sin((2 * Math.PI * f * i) / 48000) + 0.01 * next())),
          )
        return [tone(440), tone(660)]
      },
    ],
    [
      'a 16-bit signal in 24 bits (wasted bits)',
      (n, b) =>
        [noise(n, 2 ** 15 - 1, 3), noise(n, 2 ** 15 - 1, 4)].map((ch) =>
          ch.map((v) => (b === 24 ? v * 256 : v)),
        ),
    ],
  ]
  const lengths = [1, 5, 4097, 2 * 4096 + 1000]
  for (const [name, make] of cases) {
    it.each([16, 24] as const)(`${name}, %i-bit, every block length`, (bits) => {
      for (const frames of lengths) {
        const input = fromInts(make(frames, bits), bits)
        checkLossless(`${name.replace(/\W+/g, '-')}-${bits}-${frames}`, input, bits)
      }
    })
  }

  it.each([1, 2, 3, 6, 8])('is lossless with %i channel(s)', (channels) => {
    const ints = Array.from({ length: channels }, (_, c) => noise(9000, 2 ** (10 + c), 10 + c))
    checkLossless(`channels-${channels}`, fromInts(ints, 24), 24)
  })

  it('makes a 16-bit signal in 24 bits as small as the signal, not the container', () => {
    const ints = [noise(48000, 2 ** 12, 7), noise(48000, 2 ** 12, 8)]
    const as16 = encodeFlac(fromInts(ints, 16), 48000, 16).length
    const in24 = checkLossless(
      'wasted',
      fromInts(
        ints.map((ch) => ch.map((v) => v * 256)),
        24,
      ),
      24,
    )
    // Sent as 24 bits it would take half as much again. (Mid/side costs up to one bit more per
    // sample in 24 bits: (l + r) >> 1 keeps the low bit a 16-bit mid drops.)
    expect(in24.length).toBeLessThan(as16 * 1.05)
  })

  it('predicts a pure tone far better than fixed predictors could', () => {
    // A sine is a second-order recurrence: LPC leaves the rounding and the error of 15-bit
    // coefficients (about 2^22 × 2^-14, 9 bits a sample); fixed order 2 leaves about
    // 2^22 × (2π·1000/48000)^2 ≈ 2^16 (17 bits a sample).
    const tone = Array.from({ length: 48000 }, (_, i) =>
      Math.round(2 ** 22 * Math.sin((2 * Math.PI * 1000 * i) / 48000)),
    )
    const bytes = checkLossless('lpc-tone', fromInts([tone], 24), 24)
    expect(bytes.length).toBeLessThan((48000 * 10) / 8)
  })

  describe('chooses the stereo decorrelation per frame', () => {
    const a = noise(8192, 2 ** 20, 21)
    const b = noise(8192, 2 ** 12, 22)
    const c = noise(8192, 2 ** 18, 23)
    it.each([
      ['independent', 1, [a, b.map((v) => 64 * v)]],
      ['left/side', 8, [a, a.map((v, i) => v + b[i]!)]],
      ['right/side', 9, [a.map((v, i) => v + b[i]!), a]],
      ['mid/side', 10, [a.map((v, i) => v + c[i]!), a.map((v, i) => v - c[i]!)]],
    ] as const)('%s', (name, code, ints) => {
      const bytes = checkLossless(`stereo-${name.replace('/', '-')}`, fromInts(ints, 24), 24)
      expect(firstAssignment(bytes)).toBe(code)
    })
  })
})
