import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeFileFully, makeSource, probePackets } from './decode-helpers'
import { ffmpeg, ffmpegDecode, makeTempDir, maxDiff, readBytes } from '../../helpers/audio'

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

describe('the end of a FLAC stream', () => {
  it('keeps the last frame whatever its last bytes', async () => {
    // A frame parser may drop a last frame whose third-last byte is 0xFF (codec-parser 2's flush()
    // did, in the decoder package this app used before FFmpeg's): each file here
    // ends with such a frame. Such frames are rare (the last data byte usually ends in padding
    // bits): the smallest frames give enough of them.
    const path = join(tmp.dir, 'small-frames.flac')
    ffmpeg('-i', source, '-c:a', 'flac', '-sample_fmt', 's16', '-frame_size', '16', path)
    const bytes = readBytes(path)
    const whole = ffmpegDecode(path, 2)
    const packets = probePackets(path)
    let tried = 0
    for (let k = 1; k < packets.length - 1; k++) {
      const { pos, size } = packets[k]!
      const end = pos + size
      if (bytes[end - 3] !== 0xff) continue
      const cut = bytes.slice(0, end)
      const total = (k + 1) * 16
      // STREAMINFO's total samples: the low 32 of 36 bits at offset 22.
      new DataView(cut.buffer).setUint32(22, total)
      const cutPath = join(tmp.dir, `cut-${k}.flac`)
      writeFileSync(cutPath, cut)
      const ours = await decodeFileFully(cutPath)
      expect(ours.channels[0]!.length, `frame ${k}`).toBe(total)
      expect(
        maxDiff(
          ours.channels,
          whole.map((ch) => ch.subarray(0, total)),
        ),
      ).toBe(0)
      tried++
    }
    expect(tried).toBeGreaterThan(2)
  })
})
