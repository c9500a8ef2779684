import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeFileFully, makeSource, snrDb } from './decode-helpers'
import { ffmpeg, ffmpegDecode, makeTempDir, readBytes } from '../../helpers/audio'

// Our build of FFmpeg's mp3float decoder (its C, in WebAssembly) and ffmpeg's (with x86 SIMD)
// round differently: measured 121-124 dB SNR apart; 90 dB holds.
const MP3_MIN_SNR_DB = 90

const tmp = makeTempDir('decode-mp3')
let source = ''
beforeAll(() => {
  source = makeSource(tmp.dir, 44100, 2.7)
})
afterAll(() => tmp.cleanup())

function encode(name: string, ...args: string[]): string {
  const path = join(tmp.dir, name)
  ffmpeg('-i', source, '-c:a', 'libmp3lame', ...args, path)
  return path
}

async function expectLikeFfmpeg(path: string, channels: number): Promise<void> {
  const ours = await decodeFileFully(path, 4096)
  const ref = ffmpegDecode(path, channels)
  expect(ours.info.format).toBe('mp3')
  expect(ours.info.channels).toBe(channels)
  expect(ours.channels.length).toBe(channels)
  // Gapless: encoder delay and padding trimmed exactly as ffmpeg does.
  expect(ours.channels[0]!.length).toBe(ref[0]!.length)
  expect(ours.info.expectedFrames).toBe(ref[0]!.length)
  expect(snrDb(ref, ours.channels)).toBeGreaterThan(MP3_MIN_SNR_DB)
}

describe('MP3 decoding', () => {
  it('decodes CBR with an ID3v2 tag, gapless', async () => {
    const path = encode('cbr.mp3', '-b:a', '192k', '-metadata', 'title=x', '-id3v2_version', '3')
    await expectLikeFfmpeg(path, 2)
  })

  it('decodes VBR with an ID3v2.4 tag', async () => {
    const path = encode('vbr.mp3', '-q:a', '2', '-metadata', 'artist=y', '-id3v2_version', '4')
    await expectLikeFfmpeg(path, 2)
  })

  it('decodes a 48 kHz mono file as one channel', async () => {
    const path = encode('mono.mp3', '-ac', '1', '-ar', '48000', '-b:a', '128k')
    await expectLikeFfmpeg(path, 1)
    expect((await decodeFileFully(path)).info.sampleRate).toBe(48000)
  })

  it('keeps dual-mono stereo (identical L/R) as two channels', async () => {
    const dual = join(tmp.dir, 'dual.mp3')
    ffmpeg(
      '-i',
      source,
      '-af',
      'pan=stereo|c0=c1|c1=c1',
      '-c:a',
      'libmp3lame',
      '-b:a',
      '192k',
      dual,
    )
    await expectLikeFfmpeg(dual, 2)
    const { channels } = await decodeFileFully(dual)
    expect(channels[0]).toEqual(channels[1])
  })

  it('decodes the same with 997-byte and 1 MiB chunks', async () => {
    const path = encode('chunks.mp3', '-b:a', '128k', '-metadata', 'title=z', '-id3v2_version', '3')
    const small = await decodeFileFully(path, 997)
    const large = await decodeFileFully(path)
    expect(small.channels).toEqual(large.channels)
  })
})

describe('MP3 cut short', () => {
  it('decodes a file cut with `ffmpeg -c copy` (its tag pads less than the decoder delay) as ffmpeg does', async () => {
    const whole = encode('long.mp3', '-b:a', '128k')
    const head = join(tmp.dir, 'copy-head.mp3')
    ffmpeg('-i', whole, '-t', '1.3', '-c', 'copy', head)
    await expectLikeFfmpeg(head, 2)

    const middle = join(tmp.dir, 'copy-middle.mp3')
    ffmpeg('-i', whole, '-ss', '0.7', '-t', '1.1', '-c', 'copy', middle)
    const ours = await decodeFileFully(middle, 4096)
    const ref = ffmpegDecode(middle, 2)
    expect(ours.channels[0]!.length).toBe(ref[0]!.length)
    expect(ours.info.expectedFrames).toBe(ref[0]!.length)
    // Its first frame reaches back into a bit reservoir left behind: decoded, as ffmpeg does,
    // with the granules it lacks data for silent.
    expect(snrDb(ref, ours.channels)).toBeGreaterThan(MP3_MIN_SNR_DB)
  })

  it.each([
    ['with a LAME tag', ['-b:a', '128k'], 2],
    ['VBR mono', ['-q:a', '4', '-ac', '1'], 1],
    ['without a tag', ['-b:a', '96k', '-write_xing', '0'], 2],
  ] as const)(
    'decodes a stream ending inside a frame (%s): every whole frame and what the cut one gives',
    async (name, args, channels) => {
      const bytes = readBytes(encode(`cut-source-${channels}-${name.length}.mp3`, ...args))
      // Cuts a little and a lot into a frame (frames are 200 to 700 bytes here).
      for (const at of [0.31, 0.5, 0.77].map((f) => Math.round(bytes.length * f))) {
        const path = join(tmp.dir, `cut-${name.length}-${at}.mp3`)
        writeFileSync(path, bytes.subarray(0, at))
        const ours = await decodeFileFully(path, 4096)
        const ref = ffmpegDecode(path, channels)
        expect(ours.channels.length).toBe(channels)
        expect(ours.channels[0]!.length).toBe(ref[0]!.length)
        expect(snrDb(ref, ours.channels)).toBeGreaterThan(MP3_MIN_SNR_DB)
      }
    },
  )

  it('refuses, as ffmpeg does, a file whose only frame is cut short', async () => {
    const whole = encode('tiny.mp3', '-b:a', '128k', '-write_xing', '0', '-id3v2_version', '3')
    const bytes = readBytes(whole)
    const tag = 10 + ((bytes[6]! << 21) | (bytes[7]! << 14) | (bytes[8]! << 7) | bytes[9]!)
    const path = join(tmp.dir, 'one-cut-frame.mp3')
    writeFileSync(path, bytes.subarray(0, tag + 100))
    await expect(decodeFileFully(path)).rejects.toMatchObject({
      code: 'corrupt',
      message: 'no MPEG audio frame in the file could be decoded',
    })
    expect(() => ffmpegDecode(path, 2)).toThrow()
  })
})
