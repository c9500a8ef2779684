import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeAudioBytes } from '../../../src/main/core/audio/decode'
import { decodeFileFully, makeSource } from './decode-helpers'
import { ffmpeg, ffmpegDecode, makeTempDir, maxDiff, readBytes } from '../../helpers/audio'

const tmp = makeTempDir('decode-pcm')
let source = ''
beforeAll(() => {
  source = makeSource(tmp.dir, 48000, 1.3)
})
afterAll(() => tmp.cleanup())

describe('decodeAudioFile / decodeAudioBytes on PCM', () => {
  it.each([
    ['WAV 24-bit', 'a.bin', ['-c:a', 'pcm_s24le', '-f', 'wav'], 'wav'],
    ['WAV float', 'b.wav', ['-c:a', 'pcm_f32le'], 'wav'],
    ['AIFF 16-bit', 'c.aiff', ['-c:a', 'pcm_s16be'], 'aiff'],
  ] as const)(
    'streams %s exactly like ffmpeg, format from the bytes',
    async (_n, name, args, format) => {
      const path = join(tmp.dir, name)
      ffmpeg('-i', source, ...args, path)
      const ref = ffmpegDecode(path, 2)
      const ours = await decodeFileFully(path, 1001)
      expect(ours.info).toMatchObject({ format, sampleRate: 48000, channels: 2 })
      expect(ours.info.expectedFrames).toBe(ref[0]!.length)
      expect(ours.chunks).toBeGreaterThan(10)
      expect(maxDiff(ours.channels, ref)).toBe(0)
      // The same through decodeAudioBytes, frames() without info() first.
      let frames = 0
      for await (const chunk of decodeAudioBytes(readBytes(path), 777).frames()) {
        frames += chunk[0]!.length
      }
      expect(frames).toBe(ref[0]!.length)
    },
  )
})
