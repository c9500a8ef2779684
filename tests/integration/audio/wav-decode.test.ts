import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AudioError } from '../../../src/main/core/audio/audio-error'
import { concatPcm } from '../../../src/main/core/audio/dsp/pcm'
import { pcmFileReader } from '../../../src/main/core/audio/formats/pcm/stream'
import {
  decodeWav,
  decodeWavFrames,
  parseWavHeader,
  WavStreamDecoder,
} from '../../../src/main/core/audio/formats/wav/decode'
import {
  ffmpeg,
  ffmpegDecode,
  ffmpegToPipe,
  maxDiff,
  readBytes,
  rng,
  run,
} from '../../helpers/audio'
import { testSignalFixture } from '../../helpers/audio-fixture'

/** A 0.3 s stereo test signal (tone + noise, different per channel, near full scale). */
const fixture = testSignalFixture('wav', 44100, 0.3)

function expectAudioError(fn: () => unknown, code: AudioError['code']): void {
  let caught: unknown
  try {
    fn()
  } catch (e) {
    caught = e
  }
  expect(caught).toBeInstanceOf(AudioError)
  expect((caught as AudioError).code).toBe(code)
  expect((caught as AudioError).message.length).toBeGreaterThan(10)
}

function streamDecode(bytes: Uint8Array, seed: number, fileSize?: number) {
  const decoder = new WavStreamDecoder(fileSize)
  const chunks: Float32Array[][] = []
  const random = rng(seed)
  for (let pos = 0; pos < bytes.length;) {
    const n = 1 + Math.floor(random() * (random() < 0.3 ? 7 : 5000))
    const out = decoder.push(bytes.subarray(pos, pos + n))
    if (out[0] && out[0].length > 0) chunks.push(out)
    pos += n
  }
  decoder.end()
  const header = decoder.header!
  return concatPcm(header.sampleRate, header.channels, chunks)
}

const variants: {
  name: string
  make: (out: string) => void
  channels: number
  extensible?: boolean
}[] = [
  {
    name: 'ffmpeg pcm_u8',
    make: (o) => ffmpeg('-i', fixture.source(), '-c:a', 'pcm_u8', o),
    channels: 2,
  },
  {
    name: 'ffmpeg pcm_s16le',
    make: (o) => ffmpeg('-i', fixture.source(), '-c:a', 'pcm_s16le', o),
    channels: 2,
  },
  {
    name: 'ffmpeg pcm_s24le',
    make: (o) => ffmpeg('-i', fixture.source(), '-c:a', 'pcm_s24le', o),
    channels: 2,
    extensible: true,
  },
  {
    name: 'ffmpeg pcm_s32le',
    make: (o) => ffmpeg('-i', fixture.source(), '-c:a', 'pcm_s32le', o),
    channels: 2,
    extensible: true,
  },
  {
    name: 'ffmpeg pcm_f32le',
    make: (o) => ffmpeg('-i', fixture.source(), '-c:a', 'pcm_f32le', o),
    channels: 2,
  },
  {
    name: 'ffmpeg pcm_f64le',
    make: (o) => ffmpeg('-i', fixture.source(), '-c:a', 'pcm_f64le', o),
    channels: 2,
  },
  {
    name: 'ffmpeg 6-channel s16 (EXTENSIBLE)',
    make: (o) =>
      ffmpeg(
        '-i',
        fixture.source(),
        '-af',
        'pan=5.1|c0=c0|c1=c1|c2=0.5*c0|c3=0.1*c1|c4=0.9*c0|c5=0.3*c0+0.6*c1',
        '-c:a',
        'pcm_s16le',
        o,
      ),
    channels: 6,
    extensible: true,
  },
  {
    name: 'ffmpeg mono s24 48 kHz',
    make: (o) => ffmpeg('-i', fixture.source(), '-ac', '1', '-ar', '48000', '-c:a', 'pcm_s24le', o),
    channels: 1,
  },
  {
    name: 'sox 8-bit',
    make: (o) => run('sox', [fixture.source(), '-b', '8', '-e', 'unsigned-integer', o]),
    channels: 2,
  },
  {
    name: 'sox 24-bit (EXTENSIBLE)',
    make: (o) => run('sox', [fixture.source(), '-b', '24', '-e', 'signed-integer', o]),
    channels: 2,
    extensible: true,
  },
  {
    name: 'sox 32-bit int',
    make: (o) => run('sox', [fixture.source(), '-b', '32', '-e', 'signed-integer', o]),
    channels: 2,
  },
  {
    name: 'sox 64-bit float',
    make: (o) => run('sox', [fixture.source(), '-b', '64', '-e', 'floating-point', o]),
    channels: 2,
  },
  {
    name: 'ffmpeg with LIST/INFO tags',
    make: (o) =>
      ffmpeg(
        '-i',
        fixture.source(),
        '-metadata',
        'title=Sketch',
        '-metadata',
        'comment=odd length!',
        '-c:a',
        'pcm_s16le',
        o,
      ),
    channels: 2,
  },
  {
    name: 'ffmpeg RF64',
    make: (o) => ffmpeg('-i', fixture.source(), '-rf64', 'always', '-c:a', 'pcm_s24le', o),
    channels: 2,
  },
]

describe('decodeWav against ffmpeg', () => {
  for (const v of variants) {
    it(`decodes ${v.name} sample-exactly`, () => {
      const path = join(fixture.dir, `${v.name.replace(/\W+/g, '_')}.wav`)
      v.make(path)
      const bytes = readBytes(path)
      const { header, audio } = decodeWav(bytes)
      const reference = ffmpegDecode(path, v.channels)
      expect(header.channels).toBe(v.channels)
      expect(audio.channels.length).toBe(v.channels)
      expect(audio.channels[0]!.length).toBe(reference[0]!.length)
      expect(audio.channels[0]!.length).toBeGreaterThan(10000)
      expect(maxDiff(audio.channels, reference)).toBeLessThanOrEqual(1e-7)
      if (v.extensible !== undefined) expect(header.extensible).toBe(v.extensible)
      // The incremental decoder, fed in chunks of random sizes, gives the same samples…
      const streamed = streamDecode(bytes, 7)
      expect(maxDiff(streamed.channels, audio.channels)).toBe(0)
      // …with or without knowing the file size.
      expect(maxDiff(streamDecode(bytes, 8, bytes.length).channels, audio.channels)).toBe(0)
    })
  }

  it('finds the LIST chunk in the tagged file and skips it', () => {
    const path = join(fixture.dir, 'tagged.wav')
    ffmpeg('-i', fixture.source(), '-metadata', 'title=Sketch', '-c:a', 'pcm_s16le', path)
    const bytes = readBytes(path)
    const text = Buffer.from(bytes.subarray(0, 200)).toString('latin1')
    const list = text.indexOf('LIST')
    expect(list).toBeGreaterThan(0)
    expect(parseWavHeader(bytes, { final: true })!.dataOffset).toBeGreaterThan(list)
  })

  it('reads a file written by ffmpeg to a pipe (sizes unknown in the header)', () => {
    const bytes = new Uint8Array(ffmpegToPipe(fixture.source(), '-c:a', 'pcm_s16le', '-f', 'wav'))
    const path = join(fixture.dir, 'seekable.wav')
    ffmpeg('-i', fixture.source(), '-c:a', 'pcm_s16le', path)
    const expected = decodeWav(readBytes(path)).audio
    expect(maxDiff(decodeWav(bytes).audio.channels, expected.channels)).toBe(0)
    expect(maxDiff(streamDecode(bytes, 3).channels, expected.channels)).toBe(0)
  })
})

/** Builds a WAV file by hand from chunks. */
function buildWav(
  chunks: { id: string; body: Uint8Array; size?: number; pad?: boolean }[],
  riffSize?: number,
): Uint8Array {
  const parts: number[] = []
  const push32 = (v: number) =>
    parts.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff)
  const ascii = (s: string) => parts.push(...[...s].map((ch) => ch.charCodeAt(0)))
  ascii('RIFF')
  push32(0)
  ascii('WAVE')
  for (const c of chunks) {
    ascii(c.id)
    push32(c.size ?? c.body.length)
    parts.push(...c.body)
    if (c.body.length % 2 === 1 && c.pad !== false) parts.push(0)
  }
  const out = new Uint8Array(parts)
  new DataView(out.buffer).setUint32(4, riffSize ?? out.length - 8, true)
  return out
}

function fmt16(channels: number, rate: number): Uint8Array {
  const b = new Uint8Array(16)
  const v = new DataView(b.buffer)
  v.setUint16(0, 1, true)
  v.setUint16(2, channels, true)
  v.setUint32(4, rate, true)
  v.setUint32(8, rate * channels * 2, true)
  v.setUint16(12, channels * 2, true)
  v.setUint16(14, 16, true)
  return b
}

function s16(values: number[]): Uint8Array {
  const b = new Uint8Array(values.length * 2)
  const v = new DataView(b.buffer)
  values.forEach((x, i) => v.setInt16(i * 2, x, true))
  return b
}

describe('decodeWav on hand-made files', () => {
  const samples = [0, 16384, -16384, 32767, -32768, 1, -1, 100, 200, -300]
  const expected = samples.filter((_, i) => i % 2 === 0).map((x) => x / 32768)

  it('skips odd-sized chunks with their pad byte', () => {
    const bytes = buildWav([
      { id: 'fmt ', body: fmt16(2, 8000) },
      { id: 'junk', body: new Uint8Array([1, 2, 3]) },
      { id: 'LIST', body: new Uint8Array([73, 78, 70, 79, 73, 78, 65, 77, 3, 0, 0, 0, 97, 98, 0]) },
      { id: 'data', body: s16(samples) },
    ])
    const { audio, header } = decodeWav(bytes)
    expect(header.sampleRate).toBe(8000)
    expect(Array.from(audio.channels[0]!)).toEqual(expected)
  })

  it('tolerates an odd-sized chunk written without its pad byte', () => {
    const bytes = buildWav([
      { id: 'fmt ', body: fmt16(2, 8000) },
      { id: 'junk', body: new Uint8Array([1, 2, 3]), pad: false },
      { id: 'data', body: s16(samples) },
    ])
    expect(Array.from(decodeWav(bytes).audio.channels[0]!)).toEqual(expected)
  })

  for (const [label, size] of [
    ['0', 0],
    ['0xFFFFFFFF', 0xffffffff],
    ['larger than the file', 1_000_000],
  ] as const) {
    it(`uses the data present when the header's data size is ${label}`, () => {
      const bytes = buildWav(
        [
          { id: 'fmt ', body: fmt16(2, 8000) },
          { id: 'data', body: s16(samples), size },
        ],
        size === 0 ? 0 : 0xffffffff,
      )
      expect(Array.from(decodeWav(bytes).audio.channels[0]!)).toEqual(expected)
      expect(decodeWav(bytes).header.frames).toBe(5)
      const streamed = streamDecode(bytes, 11)
      expect(Array.from(streamed.channels[0]!)).toEqual(expected)
    })
  }

  it('stops at the declared data size when more chunks follow the data', () => {
    const bytes = buildWav([
      { id: 'fmt ', body: fmt16(2, 8000) },
      { id: 'data', body: s16(samples) },
      { id: 'LIST', body: new Uint8Array(40).fill(65) },
    ])
    expect(decodeWav(bytes).header.frames).toBe(5)
    expect(streamDecode(bytes, 5).channels[0]!.length).toBe(5)
  })

  it('decodes a file cut in the middle of its data (drops the partial frame)', () => {
    const bytes = buildWav([
      { id: 'fmt ', body: fmt16(2, 8000) },
      { id: 'data', body: s16(samples) },
    ])
    const cut = bytes.subarray(0, bytes.length - 6)
    expect(Array.from(decodeWav(cut).audio.channels[0]!)).toEqual(expected.slice(0, 3))
  })

  it('decodes ranges of frames for chunked reading', () => {
    const bytes = buildWav([
      { id: 'fmt ', body: fmt16(2, 8000) },
      { id: 'data', body: s16(samples) },
    ])
    const header = parseWavHeader(bytes.subarray(0, 60), { fileSize: bytes.length })!
    expect(header.frames).toBe(5)
    const frames = decodeWavFrames(
      header,
      bytes.subarray(header.dataOffset + 2 * 4, header.dataOffset + 4 * 4),
    )
    expect(Array.from(frames[0]!)).toEqual(expected.slice(2, 4))
    const reader = pcmFileReader(header, (offset, length) =>
      bytes.subarray(offset, offset + length),
    )
    expect(Array.from(reader.read(1, 3)[1]!)).toEqual([32767, 1, 100].map((x) => x / 32768))
  })

  it('asks for more bytes until the data chunk is reached', () => {
    const bytes = buildWav([
      { id: 'fmt ', body: fmt16(1, 8000) },
      { id: 'data', body: s16(samples) },
    ])
    expect(parseWavHeader(bytes.subarray(0, 30))).toBeUndefined()
    expect(parseWavHeader(bytes.subarray(0, 44))?.dataOffset).toBe(44)
  })
})

describe('decodeWav on bad files', () => {
  it('rejects an empty file', () => {
    expectAudioError(() => decodeWav(new Uint8Array(0)), 'empty')
    expectAudioError(() => new WavStreamDecoder().end(), 'empty')
  })

  it('rejects a truncated header', () => {
    const path = join(fixture.dir, 'for-truncation.wav')
    ffmpeg('-i', fixture.source(), '-c:a', 'pcm_s16le', path)
    const bytes = readBytes(path)
    for (const n of [4, 11, 20, 30, 43])
      expectAudioError(() => decodeWav(bytes.subarray(0, n)), 'truncated')
    const decoder = new WavStreamDecoder()
    decoder.push(bytes.subarray(0, 30))
    expectAudioError(() => decoder.end(), 'truncated')
  })

  it('rejects a header with no samples after it as truncated, and a 0-frame file as empty', () => {
    const headerOnly = buildWav([
      { id: 'fmt ', body: fmt16(2, 8000) },
      { id: 'data', body: new Uint8Array(0), size: 4000 },
    ])
    expectAudioError(() => decodeWav(headerOnly), 'truncated')
    const zeroFrames = buildWav([
      { id: 'fmt ', body: fmt16(2, 8000) },
      { id: 'data', body: new Uint8Array(2) },
    ])
    expectAudioError(() => decodeWav(zeroFrames), 'empty')
  })

  it('rejects random bytes and text as not audio', () => {
    const random = rng(42)
    const noise = new Uint8Array(5000).map(() => Math.floor(random() * 256))
    expectAudioError(() => decodeWav(noise), 'not_audio')
    expectAudioError(
      () => decodeWav(new TextEncoder().encode('hello, this is not a sound\n'.repeat(20))),
      'not_audio',
    )
    const riffNotWave = new TextEncoder().encode('RIFF\x10\x00\x00\x00AVI LIST....')
    expectAudioError(() => decodeWav(riffNotWave), 'not_audio')
  })

  it('rejects a damaged chunk structure as corrupt', () => {
    const bytes = buildWav([
      { id: 'fmt ', body: fmt16(2, 8000) },
      { id: 'data', body: s16(samples()) },
    ])
    bytes.set([0, 1, 2, 3], 36) // the data chunk id becomes garbage
    expectAudioError(() => decodeWav(bytes), 'corrupt')
    const noChannels = buildWav([
      { id: 'fmt ', body: fmt16(0, 8000) },
      { id: 'data', body: s16(samples()) },
    ])
    expectAudioError(() => decodeWav(noChannels), 'corrupt')
    function samples() {
      return [1, 2, 3, 4]
    }
  })

  it('rejects compressed WAV (A-law) as unsupported', () => {
    const path = join(fixture.dir, 'alaw.wav')
    ffmpeg('-i', fixture.source(), '-c:a', 'pcm_alaw', path)
    expectAudioError(() => decodeWav(readBytes(path)), 'unsupported')
  })
})
