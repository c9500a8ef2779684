import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeFileFully, makeSource, snrDb } from './decode-helpers'
import { ffmpeg, ffmpegDecode, makeTempDir } from '../../helpers/audio'

// mpg123 and ffmpeg's mp3float decoder round differently: measured ~118 dB SNR apart; 90 dB holds.
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
