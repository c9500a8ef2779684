import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AudioError, type AudioErrorCode } from '../../../src/main/core/audio/audio-error'
import { decodeFileFully, makeSource } from './decode-helpers'
import { ffmpeg, makeTempDir, readBytes, rng } from '../../helpers/audio'

const tmp = makeTempDir('decode-errors')
let source = ''
beforeAll(() => {
  source = makeSource(tmp.dir, 44100, 1.5)
})
afterAll(() => tmp.cleanup())

function encode(name: string, ...args: string[]): Uint8Array {
  const path = join(tmp.dir, name)
  ffmpeg('-i', source, ...args, path)
  return readBytes(path)
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(tmp.dir, name)
  writeFileSync(path, bytes)
  return path
}

async function failure(path: string): Promise<AudioError> {
  try {
    await decodeFileFully(path, 4096)
  } catch (error) {
    if (error instanceof AudioError) return error
    throw error
  }
  throw new Error(`${path} decoded without error`)
}

async function expectFailure(path: string, code: AudioErrorCode, message?: RegExp): Promise<void> {
  const error = await failure(path)
  expect(error.code).toBe(code)
  if (message) expect(error.message).toMatch(message)
  // The caller prefixes the file name: the message names only the problem.
  expect(error.message).not.toContain(tmp.dir)
}

function randomBytes(n: number, seed: number): Uint8Array {
  const next = rng(seed)
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256)
  return out
}

describe('bad files', () => {
  it('rejects an empty file', async () => {
    await expectFailure(write('empty.mp3', new Uint8Array(0)), 'empty', /empty/)
  })

  it('rejects random bytes, a text file and a JPEG as not audio', async () => {
    await expectFailure(write('noise.wav', randomBytes(50_000, 3)), 'not_audio')
    const text = new TextEncoder().encode('Hello, this is not a song.\n'.repeat(200))
    await expectFailure(write('notes.mp3', text), 'not_audio', /not audio/)
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1])
    const jpegFile = new Uint8Array(20_000)
    jpegFile.set(jpeg)
    jpegFile.set(randomBytes(19_000, 5), 100)
    await expectFailure(write('cover.flac', jpegFile), 'not_audio')
  })

  it.each([
    ['MP3', 'cut.mp3', ['-c:a', 'libmp3lame', '-b:a', '128k']],
    ['FLAC', 'cut.flac', ['-c:a', 'flac']],
    ['Ogg Vorbis', 'cut.ogg', ['-c:a', 'libvorbis']],
    ['Ogg Opus', 'cut.opus', ['-c:a', 'libopus']],
  ] as const)(
    'reports a %s file cut in the middle of its data as truncated',
    async (_n, name, args) => {
      const bytes = encode(name, ...args)
      await expectFailure(write(`half-${name}`, bytes.subarray(0, bytes.length >> 1)), 'truncated')
    },
  )

  it('reports a WAV cut inside its header as truncated', async () => {
    const wav = encode('short.wav', '-c:a', 'pcm_s16le')
    await expectFailure(write('head.wav', wav.subarray(0, 30)), 'truncated')
    await expectFailure(write('nodata.wav', wav.subarray(0, 44)), 'truncated')
  })

  it('reports an Ogg Vorbis file with garbage in its data as corrupt', async () => {
    const bytes = encode('bad.ogg', '-c:a', 'libvorbis').slice()
    bytes.set(randomBytes(4000, 11), bytes.length >> 1)
    await expectFailure(write('garbage.ogg', bytes), 'corrupt')
  })

  it('reports a FLAC file with garbage in its data as cut short or damaged', async () => {
    // The frame parser drops damaged frames (CRC), so the shortfall is all that shows.
    const bytes = encode('bad.flac', '-c:a', 'flac').slice()
    bytes.set(randomBytes(4000, 11), bytes.length >> 1)
    await expectFailure(write('garbage.flac', bytes), 'truncated', /cut short or damaged/)
  })

  it('reports a FLAC header followed by noise as corrupt', async () => {
    const flac = encode('head.flac', '-c:a', 'flac')
    const noisy = new Uint8Array(30_000)
    noisy.set(flac.subarray(0, 8 + 34))
    noisy.set(randomBytes(30_000 - 42, 13), 42)
    await expectFailure(write('noise.flac', noisy), 'corrupt')
  })
})
