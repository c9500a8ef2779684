import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AudioError, type AudioErrorCode } from '../../../src/main/core/audio/audio-error'
import { decodeAudioBytes } from '../../../src/main/core/audio/decode'
import { decodeFileFully, makeSource, snrDb } from './decode-helpers'
import { ffmpeg, ffmpegDecode, makeTempDir, run } from '../../helpers/audio'

// Accuracy against ffmpeg 5.1's float decode of the same file. Our decoder is FFmpeg 5.1.9's own
// AAC decoder compiled to WebAssembly (C code paths where ffmpeg uses SIMD assembly), so the
// figures are far above the targets: ≥ 60 dB for AAC-LC (measured ~150 dB) and ≥ 40 dB for
// HE-AAC, where different decoders may differ in SBR. Lengths: the frame count ffprobe reports
// (the edit list's), ±1 frame; the start lines up with ffmpeg's decode sample for sample.
const LC_MIN_SNR_DB = 60

const tmp = makeTempDir('decode-m4a')
const sources = new Map<number, string>()
beforeAll(() => {
  for (const rate of [8000, 22050, 44100, 48000, 96000]) {
    sources.set(rate, makeSource(tmp.dir, rate, 2.3, `source-${rate}.wav`))
  }
})
afterAll(() => tmp.cleanup())

function encode(name: string, rate: number, ...args: string[]): string {
  const path = join(tmp.dir, name)
  ffmpeg('-i', sources.get(rate)!, ...args, path)
  return path
}

/** The track length ffprobe reports, in samples at the output rate. */
function probedFrames(path: string): number {
  const { stdout } = run('ffprobe', [
    ...['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=duration_ts,time_base'],
    ...['-of', 'json', path],
  ])
  const stream = (JSON.parse(stdout.toString()) as { streams: Record<string, string>[] })
    .streams[0]!
  return Number(stream.duration_ts)
}

/** SNR over the frames both decodes have, from the first (the starts must line up). */
function snrFromStart(ref: Float32Array[], ours: Float32Array[]): number {
  const n = Math.min(ref[0]!.length, ours[0]!.length)
  return snrDb(
    ref.map((ch) => ch.subarray(0, n)),
    ours.map((ch) => ch.subarray(0, n)),
  )
}

describe('M4A/AAC decoding', () => {
  it.each([
    ['stereo 44.1 kHz', 44100, 2],
    ['mono 22.05 kHz', 22050, 1],
    ['stereo 48 kHz', 48000, 2],
    ['mono 8 kHz', 8000, 1],
    ['stereo 96 kHz', 96000, 2],
  ] as const)('decodes AAC-LC %s gapless, like ffmpeg', async (label, rate, channels) => {
    const path = encode(`lc-${rate}-${channels}.m4a`, rate, '-ac', `${channels}`, '-c:a', 'aac')
    const ours = await decodeFileFully(path)
    const ref = ffmpegDecode(path, channels)
    expect(ours.info).toMatchObject({ format: 'm4a', sampleRate: rate, channels })
    // ffmpeg's mp4 muxer writes an edit list: 1024 priming samples, the source's length.
    const expected = probedFrames(path)
    expect(Math.abs(expected - Math.round(2.3 * rate))).toBeLessThanOrEqual(1)
    expect(Math.abs(ours.channels[0]!.length - expected)).toBeLessThanOrEqual(1)
    expect(ours.info.expectedFrames).toBe(expected)
    expect(snrFromStart(ref, ours.channels), label).toBeGreaterThan(LC_MIN_SNR_DB)
  })

  it('decodes raw ADTS AAC to the frames ffmpeg decodes', async () => {
    const path = encode('lc.aac', 44100, '-c:a', 'aac', '-f', 'adts')
    const ours = await decodeFileFully(path)
    const ref = ffmpegDecode(path, 2)
    expect(ours.info).toMatchObject({ format: 'aac', sampleRate: 44100, channels: 2 })
    // ADTS has no edit list: the priming stays, as in ffmpeg's decode.
    expect(ours.channels[0]!.length).toBe(ref[0]!.length)
    expect(snrDb(ref, ours.channels)).toBeGreaterThan(LC_MIN_SNR_DB)
  })

  it.each([
    ['an audio-only .mp4', 'audio.mp4', ['-f', 'mp4']],
    ['an M4A whose index comes first (faststart)', 'fast.m4a', ['-movflags', '+faststart']],
  ] as const)('decodes %s', async (_, name, args) => {
    const path = encode(name, 48000, '-c:a', 'aac', ...args)
    const ours = await decodeFileFully(path)
    expect(ours.info.format).toBe('m4a')
    expect(ours.channels[0]!.length).toBe(probedFrames(path))
    expect(snrFromStart(ffmpegDecode(path, 2), ours.channels)).toBeGreaterThan(LC_MIN_SNR_DB)
  })

  it('keeps the priming where the file has no edit list, as ffmpeg does', async () => {
    const path = encode('no-edts.m4a', 44100, '-c:a', 'aac', '-use_editlist', '0')
    const ours = await decodeFileFully(path)
    const ref = ffmpegDecode(path, 2)
    // Without an edit list the track's stated length includes the 1024 priming samples.
    expect(ours.channels[0]!.length).toBe(probedFrames(path))
    expect(ours.channels[0]!.length).toBe(Math.round(2.3 * 44100) + 1024)
    expect(snrFromStart(ref, ours.channels)).toBeGreaterThan(LC_MIN_SNR_DB)
  })

  it.each([
    ['Main', 'aac_main'],
    ['LTP', 'aac_ltp'],
  ])('decodes the AAC %s profile', async (_, profile) => {
    const path = encode(
      `${profile}.m4a`,
      44100,
      '-strict',
      '-2',
      '-c:a',
      'aac',
      '-profile:a',
      profile,
    )
    const ours = await decodeFileFully(path)
    expect(ours.channels[0]!.length).toBe(probedFrames(path))
    expect(snrFromStart(ffmpegDecode(path, 2), ours.channels)).toBeGreaterThan(LC_MIN_SNR_DB)
  })

  it.each([
    ['16-bit', 's16p'],
    ['24-bit', 's32p'],
  ])('decodes Apple Lossless %s bit for bit', async (_, sampleFormat) => {
    const path = encode(
      `alac-${sampleFormat}.m4a`,
      44100,
      '-c:a',
      'alac',
      '-sample_fmt',
      sampleFormat,
    )
    const ours = await decodeFileFully(path)
    const ref = ffmpegDecode(path, 2)
    expect(ours.info).toMatchObject({ format: 'm4a', sampleRate: 44100, channels: 2 })
    expect(ours.channels[0]!.length).toBe(Math.round(2.3 * 44100))
    expect(snrDb(ref, ours.channels)).toBe(Infinity)
  })

  it('decodes bytes in memory as it decodes the file', async () => {
    const path = encode('bytes.m4a', 22050, '-c:a', 'aac')
    const stream = decodeAudioBytes(new Uint8Array(readFileSync(path)))
    const info = await stream.info()
    let frames = 0
    for await (const chunk of stream.frames()) frames += chunk[0]!.length
    expect(info).toMatchObject({ format: 'm4a', sampleRate: 22050, channels: 2 })
    expect(frames).toBe(probedFrames(path))
  })
})

/**
 * Re-signals an AAC-LC M4A made by ffmpeg as HE-AAC: ffmpeg writes a 5-byte AudioSpecificConfig
 * (LC, then a sync extension saying "no SBR"), rewritten in place (same length, no box sizes
 * change) to say SBR at twice the core rate (v1), or as an explicit AOT 29 config (v2: SBR and
 * parametric stereo). The decoder then runs its SBR (and PS) tools and outputs twice the core
 * rate (stereo for v2). Debian's ffmpeg has no HE-AAC encoder (libfdk_aac is non-free), so the
 * frames carry no SBR/PS data: this checks the HE-AAC signalling, output rate, channel count,
 * frame count and accuracy path, not the decoding of real SBR envelopes.
 */
function resignalHeAac(path: string, version: 1 | 2, coreRate: number): string {
  const bytes = readFileSync(path)
  const esds = bytes.indexOf('esds')
  const at = bytes.indexOf(Buffer.from([0x05, 0x80, 0x80, 0x80, 0x05]), esds) + 5
  const asc = bytes.subarray(at, at + 5)
  const aot = asc[0]! >> 3
  const rateIndex = ((asc[0]! & 7) << 1) | (asc[1]! >> 7)
  const channelConfig = (asc[1]! >> 3) & 15
  expect([aot, asc[2], asc[3]]).toEqual([2, 0x56, 0xe5]) // LC, sync extension 0x2b7 + AOT 5
  expect([96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000][rateIndex]).toBe(coreRate)
  const doubled = rateIndex - 3 // the index of twice the core rate
  if (version === 1) {
    asc[4] = 0x80 | (doubled << 3) // sbrPresentFlag, extensionSamplingFrequencyIndex
  } else {
    // AOT 29, core rate index, channels, extension rate index, AOT 2, GASpecificConfig 000.
    const bits = (29 << 20) | (rateIndex << 16) | (channelConfig << 12) | (doubled << 8) | (2 << 3)
    asc.writeUInt32BE((bits << 7) >>> 0, 0)
    asc[4] = 0
  }
  const out = path.replace(/\.m4a$/, `-he${version}.m4a`)
  writeFileSync(out, bytes)
  return out
}

/** MP4 box: 32-bit size, type, content. */
function box(type: string, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content)
  const head = Buffer.alloc(8)
  head.writeUInt32BE(8 + body.length)
  head.write(type, 4, 'latin1')
  return Buffer.concat([head, body])
}

/**
 * Adds an iTunes gapless tag (`----` atom, mean com.apple.iTunes, name iTunSMPB) to the ilst of
 * an M4A whose moov comes last, as iTunes writes it, growing the boxes that hold it.
 */
function addITunSmpb(path: string, priming: number, padding: number, samples: number): string {
  const bytes = readFileSync(path)
  const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0')
  const value = ` 00000000 ${hex(priming, 8)} ${hex(padding, 8)} ${hex(samples, 16)} 00000000 00000000`
  const zero = Buffer.alloc(4)
  const atom = box(
    '----',
    box('mean', zero, Buffer.from('com.apple.iTunes')),
    box('name', zero, Buffer.from('iTunSMPB')),
    box('data', Buffer.from([0, 0, 0, 1]), zero, Buffer.from(value)),
  )
  // The path moov > udta > meta (4 bytes of version) > ilst, each grown by the atom.
  const chain = ['moov', 'udta', 'meta', 'ilst']
  let at = 0
  let end = bytes.length
  const grown: number[] = []
  for (const type of chain) {
    for (;;) {
      if (at >= end) throw new Error(`no ${type} box`)
      const size = bytes.readUInt32BE(at)
      if (bytes.toString('latin1', at + 4, at + 8) === type) break
      at += size
    }
    grown.push(at)
    end = at + bytes.readUInt32BE(at)
    at += type === 'meta' ? 12 : 8
  }
  for (const offset of grown) bytes.writeUInt32BE(bytes.readUInt32BE(offset) + atom.length, offset)
  expect(end).toBe(bytes.length) // moov last: nothing after the ilst moves
  const out = path.replace(/\.m4a$/, '-itunsmpb.m4a')
  writeFileSync(out, Buffer.concat([bytes, atom]))
  return out
}

describe('iTunes gapless tag', () => {
  it('trims the priming and the padding an iTunSMPB tag states, without an edit list', async () => {
    const plain = encode('smpb.m4a', 44100, '-c:a', 'aac', '-use_editlist', '0')
    const samples = Math.round(2.3 * 44100)
    const frames = Math.ceil((samples + 1024) / 1024)
    const path = addITunSmpb(plain, 1024, frames * 1024 - samples - 1024, samples)
    const ours = await decodeFileFully(path)
    // ffmpeg reads the priming from the tag (not the length): the starts line up.
    const ref = ffmpegDecode(path, 2)
    expect(ref[0]!.length).toBe(frames * 1024 - 1024)
    expect(ours.info.expectedFrames).toBe(samples)
    expect(ours.channels[0]!.length).toBe(samples)
    expect(snrFromStart(ref, ours.channels)).toBeGreaterThan(LC_MIN_SNR_DB)
  })
})

describe('HE-AAC (re-signalled fixtures)', () => {
  // Different decoders may differ in SBR; ours is ffmpeg's own: far above the 40 dB target.
  const HE_MIN_SNR_DB = 40

  it.each([
    // Mono HE-AAC comes out as stereo from ffmpeg's decoder (parametric stereo may start in any
    // frame), and so from ours.
    ['v1 mono, 22.05 kHz core', 1, 22050, 1, 2],
    ['v1 stereo, 24 kHz core', 1, 48000, 2, 2],
    ['v2 (parametric stereo), 22.05 kHz core', 2, 22050, 1, 2],
  ] as const)(
    'decodes HE-AAC %s at twice the core rate',
    async (_, version, rate, coreChannels, channels) => {
      const coreRate = rate === 48000 ? 24000 : 22050
      const lc = join(tmp.dir, `he-core-${version}-${coreRate}-${coreChannels}.m4a`)
      ffmpeg(
        '-i',
        sources.get(rate)!,
        '-ar',
        `${coreRate}`,
        '-ac',
        `${coreChannels}`,
        '-c:a',
        'aac',
        lc,
      )
      const path = resignalHeAac(lc, version, coreRate)
      const ours = await decodeFileFully(path)
      const ref = ffmpegDecode(path, channels)
      expect(ours.info).toMatchObject({ format: 'm4a', sampleRate: 2 * coreRate, channels })
      // The track's stated length is in core-rate samples: twice that at the output rate.
      expect(Math.abs(ours.channels[0]!.length - 2 * probedFrames(path))).toBeLessThanOrEqual(1)
      expect(snrFromStart(ref, ours.channels)).toBeGreaterThan(HE_MIN_SNR_DB)
    },
  )
})

describe('bad M4A/AAC files', () => {
  async function failure(path: string): Promise<AudioError> {
    try {
      await decodeFileFully(path)
    } catch (error) {
      if (error instanceof AudioError) return error
      throw error
    }
    throw new Error(`${path} decoded without error`)
  }

  async function expectFailure(path: string, code: AudioErrorCode, message: RegExp): Promise<void> {
    const error = await failure(path)
    expect(error.code).toBe(code)
    expect(error.message).toMatch(message)
    // The caller prefixes the file name: the message names only the problem.
    expect(error.message).not.toContain(tmp.dir)
  }

  function cut(path: string, name: string, keep: number): string {
    const bytes = readFileSync(path)
    const out = join(tmp.dir, name)
    writeFileSync(out, bytes.subarray(0, Math.floor(bytes.length * keep)))
    return out
  }

  it('refuses a file cut short, whether its index comes last or first', async () => {
    const last = encode('whole.m4a', 44100, '-c:a', 'aac')
    await expectFailure(cut(last, 'cut.m4a', 0.6), 'truncated', /cut short/)
    const first = encode('whole-fast.m4a', 44100, '-c:a', 'aac', '-movflags', '+faststart')
    await expectFailure(cut(first, 'cut-fast.m4a', 0.6), 'truncated', /cut short/)
  })

  it('refuses an ADTS file cut inside a frame', async () => {
    const path = encode('whole.aac', 44100, '-c:a', 'aac', '-f', 'adts')
    await expectFailure(cut(path, 'cut.aac', 0.73), 'truncated', /last AAC frame is incomplete/)
  })

  it('refuses a video-only MP4 and an MP4 with no audio track', async () => {
    const video = join(tmp.dir, 'video.mp4')
    ffmpeg('-f', 'lavfi', '-i', 'testsrc=duration=1:size=64x64:rate=10', '-c:v', 'mpeg4', video)
    await expectFailure(video, 'not_audio', /video but no audio track/)
    const srt = join(tmp.dir, 'words.srt')
    writeFileSync(srt, '1\n00:00:00,000 --> 00:00:01,000\nHello\n')
    const subtitles = join(tmp.dir, 'words.mp4')
    ffmpeg('-i', srt, '-c:s', 'mov_text', subtitles)
    await expectFailure(subtitles, 'not_audio', /no audio track/)
  })

  it('refuses a DRM-protected .m4p (FairPlay drms sample entry)', async () => {
    const path = encode('bought.m4a', 44100, '-c:a', 'aac')
    const bytes = readFileSync(path)
    // An iTunes Store purchase stores its AAC under the sample entry type 'drms', not 'mp4a'.
    const at = bytes.indexOf('mp4a')
    expect(at).toBeGreaterThan(0)
    bytes.write('drms', at, 'latin1')
    const m4p = join(tmp.dir, 'bought.m4p')
    writeFileSync(m4p, bytes)
    await expectFailure(m4p, 'unsupported', /copy-protected \(DRM/)
  })

  it('refuses an MP4 whose audio is not AAC or Apple Lossless, naming the codec', async () => {
    const path = encode('mp3.mp4', 44100, '-c:a', 'libmp3lame', '-f', 'mp4')
    await expectFailure(path, 'unsupported', /does not decode \(mp3\)/)
  })
})
