import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeFileFully, makeSource } from './decode-helpers'
import { ffmpeg, ffmpegDecode, makeTempDir, maxDiff } from './helpers'

const tmp = makeTempDir('decode-flac')
let source = ''
beforeAll(() => {
  source = makeSource(tmp.dir, 48000, 2.3)
})
afterAll(() => tmp.cleanup())

describe('FLAC decoding', () => {
  // Lossless and scaled like ffmpeg (int / 2^(bits-1)): equal to ffmpeg's float decode exactly.
  it.each([
    ['16-bit stereo', ['-sample_fmt', 's16'], 2],
    ['24-bit stereo', ['-sample_fmt', 's32', '-bits_per_raw_sample', '24'], 2],
    ['16-bit mono', ['-sample_fmt', 's16', '-ac', '1'], 1],
    [
      '24-bit mono, 44.1 kHz',
      ['-sample_fmt', 's32', '-bits_per_raw_sample', '24', '-ac', '1', '-ar', '44100'],
      1,
    ],
  ] as const)('decodes %s exactly like ffmpeg', async (_name, args, channels) => {
    const path = join(tmp.dir, `${_name.replace(/\W+/g, '-')}.flac`)
    ffmpeg('-i', source, '-c:a', 'flac', ...args, path)
    const ours = await decodeFileFully(path, 3000)
    const ref = ffmpegDecode(path, channels)
    expect(ours.info.format).toBe('flac')
    expect(ours.info.channels).toBe(channels)
    expect(ours.info.expectedFrames).toBe(ref[0]!.length)
    expect(ours.channels[0]!.length).toBe(ref[0]!.length)
    expect(maxDiff(ours.channels, ref)).toBe(0)
  })

  it('maps full scale like ffmpeg: -32768 is -1.0 and 32767 is 32767/32768', async () => {
    const path = join(tmp.dir, 'square.flac')
    ffmpeg(
      '-f',
      'lavfi',
      '-i',
      'aevalsrc=if(lt(mod(n\\,100)\\,50)\\,1\\,-1.1):s=44100:d=0.2',
      '-c:a',
      'flac',
      '-sample_fmt',
      's16',
      path,
    )
    const ours = await decodeFileFully(path)
    const ch = ours.channels[0]!
    expect(Math.min(...ch)).toBe(-1)
    expect(Math.max(...ch)).toBe(32767 / 32768)
    expect(maxDiff(ours.channels, ffmpegDecode(path, 1))).toBe(0)
  })
})
