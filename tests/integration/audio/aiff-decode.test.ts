import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  AiffStreamDecoder,
  decodeAiff,
  parseAiffHeader,
} from '../../../src/main/core/audio/formats/aiff/decode'
import { AudioError } from '../../../src/main/core/audio/audio-error'
import { concatPcm } from '../../../src/main/core/audio/dsp/pcm'
import { ffmpeg, ffmpegDecode, maxDiff, readBytes, rng, run } from '../../helpers/audio'
import { testSignalFixture } from '../../helpers/audio-fixture'

const fixture = testSignalFixture('aiff', 22050, 0.4)

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    return e instanceof AudioError ? e.code : 'not an AudioError'
  }
  return undefined
}

const variants: {
  name: string
  ext: string
  make: (out: string) => void
  channels: number
  aifc: boolean
  compression: string
}[] = [
  {
    name: 'ffmpeg s16be',
    ext: 'aiff',
    make: (o) => ffmpeg('-i', fixture.source(), '-c:a', 'pcm_s16be', o),
    channels: 2,
    aifc: false,
    compression: 'NONE',
  },
  {
    name: 'ffmpeg s24be',
    ext: 'aiff',
    make: (o) => ffmpeg('-i', fixture.source(), '-c:a', 'pcm_s24be', o),
    channels: 2,
    aifc: false,
    compression: 'NONE',
  },
  {
    name: 'ffmpeg s32be',
    ext: 'aiff',
    make: (o) => ffmpeg('-i', fixture.source(), '-c:a', 'pcm_s32be', o),
    channels: 2,
    aifc: false,
    compression: 'NONE',
  },
  {
    name: 'ffmpeg s8 mono',
    ext: 'aiff',
    make: (o) => ffmpeg('-i', fixture.source(), '-ac', '1', '-c:a', 'pcm_s8', o),
    channels: 1,
    aifc: false,
    compression: 'NONE',
  },
  {
    name: 'ffmpeg sowt (s16le)',
    ext: 'aifc',
    make: (o) => ffmpeg('-i', fixture.source(), '-c:a', 'pcm_s16le', '-f', 'aiff', o),
    channels: 2,
    aifc: true,
    compression: 'sowt',
  },
  {
    name: 'ffmpeg fl32',
    ext: 'aifc',
    make: (o) => ffmpeg('-i', fixture.source(), '-c:a', 'pcm_f32be', '-f', 'aiff', o),
    channels: 2,
    aifc: true,
    compression: 'fl32',
  },
  {
    name: 'ffmpeg fl64',
    ext: 'aifc',
    make: (o) => ffmpeg('-i', fixture.source(), '-c:a', 'pcm_f64be', '-f', 'aiff', o),
    channels: 2,
    aifc: true,
    compression: 'fl64',
  },
  {
    name: 'sox AIFF-C NONE 16-bit',
    ext: 'aifc',
    make: (o) => run('sox', [fixture.source(), '-b', '16', '-e', 'signed-integer', o]),
    channels: 2,
    aifc: true,
    compression: 'NONE',
  },
  {
    name: 'sox AIFF 24-bit',
    ext: 'aiff',
    make: (o) => run('sox', [fixture.source(), '-b', '24', o]),
    channels: 2,
    aifc: false,
    compression: 'NONE',
  },
]

describe('decodeAiff against ffmpeg', () => {
  for (const v of variants) {
    it(`decodes ${v.name} sample-exactly`, () => {
      const path = join(fixture.dir, `${v.name.replace(/\W+/g, '_')}.${v.ext}`)
      v.make(path)
      const bytes = readBytes(path)
      const { header, audio } = decodeAiff(bytes)
      expect(header.aifc).toBe(v.aifc)
      expect(header.compression).toBe(v.compression)
      expect(header.sampleRate).toBe(22050)
      const reference = ffmpegDecode(path, v.channels)
      expect(audio.channels[0]!.length).toBe(8820)
      expect(maxDiff(audio.channels, reference)).toBeLessThanOrEqual(1e-7)
      // Incremental decoding in odd chunk sizes gives the same samples.
      const decoder = new AiffStreamDecoder()
      const chunks: Float32Array[][] = []
      const random = rng(5)
      for (let pos = 0; pos < bytes.length;) {
        const n = 1 + Math.floor(random() * 3000)
        chunks.push(decoder.push(bytes.subarray(pos, pos + n)))
        pos += n
      }
      decoder.end()
      const streamed = concatPcm(
        22050,
        v.channels,
        chunks.filter((c) => c.length > 0),
      )
      expect(maxDiff(streamed.channels, audio.channels)).toBe(0)
    })
  }

  it('reads the 80-bit sample rate of unusual rates and honours the SSND offset', () => {
    const path = join(fixture.dir, 'odd-rate.aiff')
    ffmpeg('-i', fixture.source(), '-ar', '11025', '-c:a', 'pcm_s16be', path)
    const bytes = readBytes(path)
    const { header, audio } = decodeAiff(bytes)
    expect(header.sampleRate).toBe(11025)
    // Re-write the SSND chunk with a 4-byte offset (and block size) before the samples.
    const ssnd = Buffer.from(bytes).indexOf('SSND')
    const view = new DataView(bytes.buffer, bytes.byteOffset)
    const size = view.getUint32(ssnd + 4)
    const shifted = new Uint8Array(bytes.length + 4)
    shifted.set(bytes.subarray(0, ssnd + 16))
    shifted.set(bytes.subarray(ssnd + 16), ssnd + 20)
    const sv = new DataView(shifted.buffer)
    sv.setUint32(4, shifted.length - 8)
    sv.setUint32(ssnd + 4, size + 4)
    sv.setUint32(ssnd + 8, 4)
    const again = decodeAiff(shifted)
    expect(again.header.dataOffset).toBe(header.dataOffset + 4)
    expect(maxDiff(again.audio.channels, audio.channels)).toBe(0)
  })

  it('rejects bad files with the right error', () => {
    const path = join(fixture.dir, 'ok.aiff')
    ffmpeg('-i', fixture.source(), '-c:a', 'pcm_s16be', path)
    const bytes = readBytes(path)
    expect(codeOf(() => decodeAiff(new Uint8Array(0)))).toBe('empty')
    expect(codeOf(() => decodeAiff(bytes.subarray(0, 30)))).toBe('truncated')
    expect(codeOf(() => decodeAiff(new TextEncoder().encode('FORMAT: this is a text file')))).toBe(
      'not_audio',
    )
    expect(codeOf(() => decodeAiff(new TextEncoder().encode('just some text\n')))).toBe('not_audio')
    const random = rng(1)
    expect(codeOf(() => decodeAiff(new Uint8Array(3000).map(() => random() * 256)))).toBe(
      'not_audio',
    )
    const ulaw = join(fixture.dir, 'ulaw.aifc')
    ffmpeg('-i', fixture.source(), '-c:a', 'pcm_mulaw', '-f', 'aiff', ulaw)
    expect(codeOf(() => decodeAiff(readBytes(ulaw)))).toBe('unsupported')
    expect(parseAiffHeader(bytes.subarray(0, 20))).toBeUndefined()
  })
})
