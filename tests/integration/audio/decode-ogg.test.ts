import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeFileFully, makeSource, snrDb } from './decode-helpers'
import { ffmpeg, ffmpegDecode, makeTempDir } from '../../helpers/audio'

// Tolerances against ffmpeg's decoders of the same file (libvorbis vs ffmpeg's own Vorbis
// decoder, libopus vs ffmpeg's Opus decoder): measured ~135 dB and ~86 dB SNR.
const VORBIS_MIN_SNR_DB = 110
const OPUS_MIN_SNR_DB = 70

const tmp = makeTempDir('decode-ogg')
let source = ''
beforeAll(() => {
  source = makeSource(tmp.dir, 44100, 2.5)
})
afterAll(() => tmp.cleanup())

function encode(name: string, ...args: string[]): string {
  const path = join(tmp.dir, name)
  ffmpeg('-i', source, ...args, path)
  return path
}

describe('Ogg decoding', () => {
  it.each([
    ['stereo', [], 2],
    ['mono 48 kHz', ['-ac', '1', '-ar', '48000'], 1],
  ] as const)('decodes Vorbis %s like ffmpeg', async (name, args, channels) => {
    const path = encode(`v-${name.replace(/\W+/g, '-')}.ogg`, '-c:a', 'libvorbis', ...args)
    const ours = await decodeFileFully(path, 5000)
    const ref = ffmpegDecode(path, channels)
    expect(ours.info.format).toBe('ogg-vorbis')
    expect(ours.info.channels).toBe(channels)
    expect(ours.info.sampleRate).toBe(name === 'stereo' ? 44100 : 48000)
    expect(ours.channels[0]!.length).toBe(ref[0]!.length)
    expect(snrDb(ref, ours.channels)).toBeGreaterThan(VORBIS_MIN_SNR_DB)
  })

  it.each([
    ['stereo', [], 2],
    ['mono', ['-ac', '1'], 1],
  ] as const)('decodes Opus %s at 48 kHz with pre-skip honoured', async (name, args, channels) => {
    const path = encode(`o-${name}.opus`, '-c:a', 'libopus', ...args)
    const ours = await decodeFileFully(path, 5000)
    const ref = ffmpegDecode(path, channels)
    expect(ours.info.format).toBe('ogg-opus')
    expect(ours.info.channels).toBe(channels)
    expect(ours.info.sampleRate).toBe(48000)
    expect(ours.channels[0]!.length).toBe(ref[0]!.length)
    expect(snrDb(ref, ours.channels)).toBeGreaterThan(OPUS_MIN_SNR_DB)
  })
})
