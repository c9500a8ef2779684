import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeWav } from '../../../src/main/core/audio/formats/wav/decode'
import {
  encodeWav,
  encodeWavFrames,
  encodeWavFramesInto,
  encodeWavFramesScalarInto,
  encodeWavHeader,
  encodeWavTrailer,
  wavFileSize,
  type WavEncodeOptions,
  type WavSampleFormat,
} from '../../../src/main/core/audio/formats/wav/encode'
import { ffmpegDecode, makeTempDir, maxDiff, rng, run } from '../../helpers/audio'
import { roundingCases } from './rounding-cases'
import { referenceEncode as referenceEncodeFrames } from '../export/reference-render'

const tmp = makeTempDir('wavenc')
afterAll(() => tmp.cleanup())

function noise(channels: number, frames: number, seed: number, amp = 0.9): Float32Array[] {
  const random = rng(seed)
  return Array.from({ length: channels }, () =>
    new Float32Array(frames).map(() => amp * (2 * random() - 1)),
  )
}

function int16At(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getInt16(offset, true)
}

describe('encodeWavFrames', () => {
  it('scales 16-bit by 32768, rounds and clamps', () => {
    const values = [
      0,
      1,
      -1,
      0.5,
      -0.5,
      1.5,
      -1.5,
      0.25 / 32768,
      0.75 / 32768,
      -0.75 / 32768,
      NaN,
      Infinity,
    ]
    const bytes = encodeWavFrames('int16', [new Float32Array(values)])
    const ints = values.map((_, i) => int16At(bytes, i * 2))
    expect(ints).toEqual([0, 32767, -32768, 16384, -16384, 32767, -32768, 0, 1, -1, 0, 32767])
  })

  it('scales 24-bit by 8388608, rounds and clamps', () => {
    const values = [0, 1, -1, 0.5, -0.25, 2, 0.75 / 8388608]
    const bytes = encodeWavFrames('int24', [new Float32Array(values)])
    const ints = values.map(
      (_, i) => ((bytes[i * 3 + 2]! << 24) | (bytes[i * 3 + 1]! << 16) | (bytes[i * 3]! << 8)) >> 8,
    )
    expect(ints).toEqual([0, 8388607, -8388608, 4194304, -2097152, 8388607, 1])
  })

  it('interleaves channels and encodes a frame range', () => {
    const l = new Float32Array([0.1, 0.2, 0.3, 0.4])
    const r = new Float32Array([-0.1, -0.2, -0.3, -0.4])
    const bytes = encodeWavFrames('float32', [l, r], 1, 2)
    const f = new Float32Array(bytes.buffer)
    expect(Array.from(f)).toEqual([l[1], r[1], l[2], r[2]])
  })
})

describe('encodeWav', () => {
  const cases: { format: WavSampleFormat; channels: number; extensible: boolean; lsb: number }[] = [
    { format: 'int16', channels: 1, extensible: false, lsb: 1 / 32768 },
    { format: 'int16', channels: 2, extensible: false, lsb: 1 / 32768 },
    { format: 'int16', channels: 6, extensible: true, lsb: 1 / 32768 },
    { format: 'int24', channels: 2, extensible: true, lsb: 1 / 8388608 },
    { format: 'int24', channels: 1, extensible: true, lsb: 1 / 8388608 },
    { format: 'float32', channels: 2, extensible: true, lsb: 0 },
  ]
  for (const c of cases) {
    it(`writes ${c.format} × ${c.channels} that we and ffmpeg read back`, () => {
      const frames = 4001 // odd, so 24-bit mono needs a pad byte
      const channels = noise(c.channels, frames, c.channels * 10 + c.format.length)
      const bytes = encodeWav({ sampleRate: 48000, channels }, { format: c.format })
      expect(bytes.length % 2).toBe(0)
      const view = new DataView(bytes.buffer)
      expect(view.getUint32(4, true)).toBe(bytes.length - 8)
      expect(view.getUint16(20, true)).toBe(c.extensible ? 0xfffe : 1)
      const { header, audio } = decodeWav(bytes)
      expect(header.extensible).toBe(c.extensible)
      expect(header.sampleRate).toBe(48000)
      expect(header.frames).toBe(frames)
      expect(maxDiff(audio.channels, channels)).toBeLessThanOrEqual(c.lsb / 2)
      const path = join(tmp.dir, `${c.format}-${c.channels}.wav`)
      writeFileSync(path, bytes)
      expect(maxDiff(ffmpegDecode(path, c.channels), audio.channels)).toBe(0)
      const bits = run('sox', ['--i', '-b', path]).stdout.toString().trim()
      expect(Number(bits)).toBe(c.format === 'int16' ? 16 : c.format === 'int24' ? 24 : 32)
      expect(run('sox', ['--i', '-s', path]).stdout.toString().trim()).toBe(String(frames))
    })
  }

  it('writes LIST/INFO tags that ffprobe reads', () => {
    const path = join(tmp.dir, 'tags.wav')
    const audio = { sampleRate: 44100, channels: noise(2, 1000, 3) }
    const tags = {
      INAM: 'Take 3',
      ICMT: 'prompt: lo-fi piano, seed 1234 — “quotes”',
      ISFT: 'MusicSketch',
    }
    const bytes = encodeWav(audio, { format: 'int24', tags })
    writeFileSync(path, bytes)
    const probe = JSON.parse(
      run('ffprobe', [
        '-v',
        'error',
        '-show_entries',
        'format_tags',
        '-of',
        'json',
        path,
      ]).stdout.toString(),
    ) as { format: { tags: Record<string, string> } }
    expect(probe.format.tags['title']).toBe('Take 3')
    expect(probe.format.tags['comment']).toBe(tags.ICMT)
    expect(probe.format.tags['encoder']).toBe('MusicSketch')
    expect(maxDiff(decodeWav(bytes).audio.channels, audio.channels)).toBeLessThanOrEqual(
      0.5 / 8388608,
    )
  })

  it('streams: header, chunks and trailer make the same file as the one-shot writer', () => {
    for (const format of ['int16', 'int24', 'float32'] as const) {
      const channels = noise(1, 999, 9)
      const options: WavEncodeOptions = {
        sampleRate: 32000,
        channels: 1,
        frames: 999,
        format,
        tags: { ICMT: 'x' },
      }
      const parts = [encodeWavHeader(options)]
      for (let pos = 0; pos < 999; pos += 250)
        parts.push(encodeWavFrames(format, channels, pos, Math.min(250, 999 - pos)))
      parts.push(encodeWavTrailer(options))
      const joined = Buffer.concat(parts)
      expect(joined.length).toBe(wavFileSize(options))
      expect(new Uint8Array(joined)).toEqual(
        encodeWav({ sampleRate: 32000, channels }, { format, tags: { ICMT: 'x' } }),
      )
    }
  })

  it('aligns the first sample with a JUNK chunk that every reader skips', () => {
    const channels = noise(2, 500, 4)
    // Tags of every length up to 20 bytes move the header through all remainders, including
    // gaps too small for a chunk header.
    for (let length = 0; length <= 20; length++) {
      for (const format of ['int16', 'int24', 'float32'] as const) {
        const tags: Record<string, string> = length > 0 ? { ICMT: 'x'.repeat(length) } : {}
        const options = { sampleRate: 48000, channels: 2, frames: 500, format, tags }
        const header = encodeWavHeader({ ...options, alignData: 4096 })
        expect(header.length % 4096, `${format}, ${length}`).toBe(0)
        expect(header.length).toBeLessThanOrEqual(encodeWavHeader(options).length + 4096 + 8)
        const file = Buffer.concat([
          header,
          encodeWavFrames(format, channels),
          encodeWavTrailer(options),
        ])
        expect(file.readUInt32LE(4), 'RIFF size').toBe(file.length - 8)
        expect(wavFileSize({ ...options, alignData: 4096 })).toBe(file.length)
        const decoded = decodeWav(new Uint8Array(file))
        expect(decoded.header.dataOffset).toBe(header.length)
        expect(decoded.audio.channels[1]).toEqual(
          decodeWav(encodeWav({ sampleRate: 48000, channels }, { format, tags })).audio.channels[1],
        )
      }
    }
    const path = join(tmp.dir, 'aligned.wav')
    const options = { sampleRate: 48000, channels: 2, frames: 500, format: 'int24' as const }
    writeFileSync(
      path,
      Buffer.concat([
        encodeWavHeader({ ...options, alignData: 512 }),
        encodeWavFrames('int24', channels),
      ]),
    )
    const reference = ffmpegDecode(path, 2)
    expect(reference[0]!.length).toBe(500)
    expect(maxDiff(reference, channels)).toBeLessThan(1 / 8388608 + 1e-9)
    expect(() => encodeWavHeader({ ...options, alignData: 3 })).toThrow(RangeError)
  })

  it('rejects invalid tag ids and shapes', () => {
    const audio = { sampleRate: 48000, channels: noise(1, 10, 1) }
    expect(() => encodeWav(audio, { format: 'int16', tags: { title: 'x' } })).toThrow(RangeError)
    expect(() =>
      encodeWavHeader({ sampleRate: 48000, channels: 0, frames: 1, format: 'int16' }),
    ).toThrow(RangeError)
  })
})

/** The encoder as it was before encodeWavFramesInto (the same oracle as the export tests). */
function referenceEncode(format: WavSampleFormat, channels: Float32Array[]): Uint8Array {
  return referenceEncodeFrames(format, channels, channels[0]!.length)
}

describe('encodeWavFramesInto', () => {
  const formats: WavSampleFormat[] = ['int16', 'int24', 'float32']
  for (const format of formats) {
    it(`writes the same ${format} bytes as the byte-by-byte encoder, at any offset`, () => {
      for (const nch of [1, 2, 3]) {
        for (const frames of [0, 1, 2, 3, 1001, 4096]) {
          const channels = Array.from({ length: nch }, (_, c) =>
            roundingCases(frames + 5, frames * 7 + c).subarray(5),
          )
          const expected = referenceEncode(format, channels)
          expect(encodeWavFrames(format, channels), `${nch} ch, ${frames} frames`).toEqual(expected)
          for (const outOffset of [0, 1, 2, 3, 4, 7]) {
            const out = new Uint8Array(outOffset + expected.length + 3).fill(0xa5)
            // The dispatching encoder (SIMD for stereo integers) and the JavaScript one alike.
            for (const encode of [encodeWavFramesInto, encodeWavFramesScalarInto]) {
              out.fill(0xa5)
              const written = encode(format, channels, 0, frames, out, outOffset)
              expect(written).toBe(expected.length)
              expect(out.subarray(outOffset, outOffset + written)).toEqual(expected)
              // Nothing is written outside the frames' bytes.
              expect(out.subarray(0, outOffset).every((b) => b === 0xa5)).toBe(true)
              expect(out.subarray(outOffset + written).every((b) => b === 0xa5)).toBe(true)
            }
          }
        }
      }
    })
  }

  it('encodes a frame range of longer channels', () => {
    const channels = [roundingCases(300, 1), roundingCases(300, 2)]
    const out = new Uint8Array(101 * 6)
    encodeWavFramesInto('int24', channels, 77, 101, out)
    expect(out).toEqual(
      referenceEncode(
        'int24',
        channels.map((c) => c.subarray(77, 178)),
      ),
    )
  })

  it('refuses an output buffer too small for the frames', () => {
    const channels = [new Float32Array(10), new Float32Array(10)]
    expect(() => encodeWavFramesInto('int16', channels, 0, 10, new Uint8Array(39))).toThrow(
      /too small/,
    )
    expect(() => encodeWavFramesInto('int16', channels, 0, 10, new Uint8Array(40), 1)).toThrow(
      /too small/,
    )
  })
})
