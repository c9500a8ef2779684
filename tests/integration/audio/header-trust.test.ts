import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importError } from '../../../src/main/core/assets/import-errors'
import { AudioError } from '../../../src/main/core/audio/audio-error'
import { PcmScanner } from '../../../src/main/core/audio/formats/pcm/scan'
import { decodeFileFully, inlinePair } from './decode-helpers'
import { ffmpeg, makeTempDir, readBytes } from '../../helpers/audio'

// Issue 17 item 12: headers that contradict the stream, or state impossible properties.
const tmp = makeTempDir('header-trust')
let flac: Uint8Array = new Uint8Array(0)
let wav: Uint8Array = new Uint8Array(0)
beforeAll(() => {
  const f = join(tmp.dir, 'src.flac')
  const w = join(tmp.dir, 'src.wav')
  // 12 s so that the segmented decode (0.5 s segments below) has many segments.
  ffmpeg('-f', 'lavfi', '-i', 'sine=f=440:d=12:r=44100', '-ac', '2', '-c:a', 'flac', f)
  ffmpeg('-f', 'lavfi', '-i', 'sine=f=440:d=1:r=44100', '-ac', '2', '-c:a', 'pcm_s16le', w)
  flac = readBytes(f)
  wav = readBytes(w)
})
afterAll(() => tmp.cleanup())

function write(name: string, bytes: Uint8Array): string {
  const path = join(tmp.dir, name)
  writeFileSync(path, bytes)
  return path
}

/** STREAMINFO starts at byte 8: rate (20 bits) at 18, channels - 1 (3 bits) after it. */
function withStreamInfo(rate: number | null, channels: number | null): Uint8Array {
  const b = flac.slice()
  if (rate !== null) {
    b[18] = (rate >> 12) & 0xff
    b[19] = (rate >> 4) & 0xff
    b[20] = ((rate & 0x0f) << 4) | (b[20]! & 0x0f)
  }
  if (channels !== null) b[20] = (b[20]! & 0xf1) | ((channels - 1) << 1)
  return b
}

/** The WAV made by ffmpeg: RIFF, then 'fmt ' at 12 (16 bytes), then LIST/data. */
function wavWithRate(rate: number): Uint8Array {
  const b = wav.slice()
  new DataView(b.buffer).setUint32(24, rate, true)
  return b
}

function scanWav(bytes: Uint8Array) {
  const scanner = new PcmScanner('wav', bytes.length)
  scanner.push(bytes)
  return scanner.end()
}

const modes = [
  ['in one pass', {}],
  ['in segments', { tasks: inlinePair(), segmentSeconds: 0.5 }],
] as const

describe('a FLAC header that contradicts its frames', () => {
  it.each(modes)('reads the rate the frames state over 1,048,575 Hz (%s)', async (_, options) => {
    const path = write('rate.flac', withStreamInfo(1_048_575, null))
    const { info, channels } = await decodeFileFully(path, options)
    // ffprobe reads 44.1 kHz: the frame headers say so.
    expect(info.sampleRate).toBe(44100)
    expect(channels[0]!.length).toBe(12 * 44100)
  })

  it.each(modes)('decodes the 2 channels of frames whose STREAMINFO says 8 (%s)', async (_, o) => {
    const path = write('ch8.flac', withStreamInfo(null, 8))
    const { info, channels } = await decodeFileFully(path, o)
    expect(info.channels).toBe(2)
    expect(channels).toHaveLength(2)
    expect(channels[0]!.length).toBe(12 * 44100)
  })
})

describe('WAV headers', () => {
  it('refuses a sample rate of 4,294,967,295 Hz in words', async () => {
    const bytes = wavWithRate(4_294_967_295)
    expect(() => scanWav(bytes)).toThrow(/sample rate of 4294967295 Hz/)
    const error = await decodeFileFully(write('rate.wav', bytes)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AudioError)
    expect((error as AudioError).message).toMatch(/sample rate of 4294967295 Hz.*between/)
  })

  it('refuses a rate of 1 Hz but takes 8 kHz and 384 kHz', () => {
    expect(() => scanWav(wavWithRate(1))).toThrow(/sample rate of 1 Hz/)
    expect(scanWav(wavWithRate(8000)).sampleRate).toBe(8000)
    expect(scanWav(wavWithRate(384000)).sampleRate).toBe(384000)
  })

  it('reads the first of two fmt chunks, as ffmpeg does', async () => {
    // A second fmt chunk saying 7 channels, inserted after the first.
    const second = wav.slice(12, 36)
    new DataView(second.buffer, second.byteOffset).setUint16(10, 7, true)
    const bytes = new Uint8Array(wav.length + second.length)
    bytes.set(wav.subarray(0, 36))
    bytes.set(second, 36)
    bytes.set(wav.subarray(36), 36 + second.length)
    new DataView(bytes.buffer).setUint32(4, bytes.length - 8, true)
    expect(scanWav(bytes).channels).toBe(2)
    const { info } = await decodeFileFully(write('two-fmt.wav', bytes))
    expect(info.channels).toBe(2)
  })
})

describe('refusals are worded', () => {
  it('never shows a raw RangeError or TypeError to the musician', () => {
    const error = importError('song.flac', new RangeError('offset is out of bounds'))
    expect(error.message).toBe('song.flac: the file could not be decoded (it may be damaged)')
    expect(error.message).not.toMatch(/RangeError/)
  })
})
