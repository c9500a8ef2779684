import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AudioError } from '../../../src/main/core/audio/audio-error'
import { decodeAudioBytes } from '../../../src/main/core/audio/decode'
import { PcmScanner, type PcmContainer } from '../../../src/main/core/audio/formats/pcm/scan'
import { serializePeaks } from '../../../src/main/core/audio/dsp/peaks'
import { decodeWithPeaks, ffmpeg, readBytes, rng } from '../../helpers/audio'
import { testSignalFixture } from '../../helpers/audio-fixture'

const fixture = testSignalFixture('pcm-scan', 44100, 0.4)

interface Outcome {
  frames?: number
  sampleRate?: number
  channels?: number
  peaks?: Uint8Array
  error?: { code: string; message: string }
}

function failed(error: unknown): Outcome {
  if (!(error instanceof AudioError)) throw error
  return { error: { code: error.code, message: error.message } }
}

/** What the import computed before the scanner: a full decode feeding PeaksBuilder. */
async function byDecoding(bytes: Uint8Array): Promise<Outcome> {
  try {
    const { info, frames, peaks } = await decodeWithPeaks(decodeAudioBytes(bytes, 5000))
    const { sampleRate, channels } = info
    return { frames, sampleRate, channels, peaks }
  } catch (error) {
    return failed(error)
  }
}

function byScanning(container: PcmContainer, bytes: Uint8Array, seed: number): Outcome {
  try {
    const scanner = new PcmScanner(container, bytes.length)
    const random = rng(seed)
    for (let at = 0; at < bytes.length;) {
      const n = 1 + Math.floor(random() * (random() < 0.3 ? 9 : 6000))
      // A copy that is then overwritten: the scanner must not keep views of what it is given.
      const chunk = bytes.slice(at, at + n)
      scanner.push(chunk)
      chunk.fill(0x55)
      at += n
    }
    const { frames, sampleRate, channels, peaks } = scanner.end()
    return { frames, sampleRate, channels, peaks: serializePeaks(peaks) }
  } catch (error) {
    return failed(error)
  }
}

function encode(name: string, ...args: string[]): Uint8Array {
  const path = join(fixture.dir, name)
  ffmpeg('-i', fixture.source(), ...args, path)
  return readBytes(path)
}

describe('PcmScanner', () => {
  it.each([
    ['WAV unsigned 8-bit', 'a.wav', ['-c:a', 'pcm_u8']],
    ['WAV 16-bit mono', 'b.wav', ['-ac', '1', '-c:a', 'pcm_s16le']],
    ['WAV 16-bit stereo', 'c.wav', ['-c:a', 'pcm_s16le']],
    ['WAV 24-bit stereo', 'd.wav', ['-c:a', 'pcm_s24le']],
    [
      'WAV 24-bit 3 channels',
      'e.wav',
      ['-af', 'pan=3c|c0=c0|c1=c1|c2=0.5*c0', '-c:a', 'pcm_s24le'],
    ],
    ['WAV 32-bit', 'f.wav', ['-c:a', 'pcm_s32le']],
    ['WAV float', 'g.wav', ['-c:a', 'pcm_f32le']],
    ['WAV double', 'h.wav', ['-c:a', 'pcm_f64le']],
    ['AIFF 16-bit', 'i.aiff', ['-c:a', 'pcm_s16be']],
    ['AIFF 24-bit mono', 'j.aiff', ['-ac', '1', '-c:a', 'pcm_s24be']],
    ['AIFF 8-bit', 'k.aiff', ['-c:a', 'pcm_s8']],
    ['AIFF-C float', 'l.aifc', ['-c:a', 'pcm_f32be', '-f', 'aiff']],
  ] as const)('%s: the frames and peaks of a full decode', async (_label, name, args) => {
    const bytes = encode(name, ...args)
    const container = name.endsWith('.wav') ? 'wav' : 'aiff'
    const expected = await byDecoding(bytes)
    expect(expected.error).toBeUndefined()
    expect(byScanning(container, bytes, 1)).toEqual(expected)
    expect(byScanning(container, bytes, 2)).toEqual(expected)
  })

  it('refuses what a full decode refuses, with the same error', async () => {
    const wav = encode('m.wav', '-c:a', 'pcm_s16le')
    const aiff = encode('n.aiff', '-c:a', 'pcm_s16be')
    const alaw = encode('o.wav', '-c:a', 'pcm_alaw')
    const headerOnly = wav.slice(0, 44)
    const broken = wav.slice()
    broken.set([0, 1, 2, 3], 12) // the fmt chunk id
    const noFrames = wav.slice(0, 44 + 3) // less than one frame of data
    const cases: [PcmContainer, Uint8Array][] = [
      ['wav', wav.slice(0, 30)],
      ['wav', headerOnly],
      ['wav', noFrames],
      ['wav', broken],
      ['wav', alaw],
      ['aiff', aiff.slice(0, 20)],
      ['aiff', aiff.slice(0, 34)],
    ]
    for (const [index, [container, bytes]] of cases.entries()) {
      const expected = await byDecoding(bytes)
      expect(expected.error, `case ${index}`).toBeDefined()
      expect(byScanning(container, bytes, index), `case ${index}`).toEqual(expected)
    }
  })

  it('decodes a file cut inside its data to the whole frames it holds, as a decode does', async () => {
    const wav = encode('p.wav', '-c:a', 'pcm_s24le')
    const cut = wav.slice(0, wav.length - 1000 - 2)
    const expected = await byDecoding(cut)
    expect(expected.frames).toBeGreaterThan(0)
    expect(byScanning('wav', cut, 3)).toEqual(expected)
  })
})
