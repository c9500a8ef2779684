import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sniffFormat, SNIFF_BYTES } from '../../../src/main/core/audio/sniff'
import { ffmpeg, makeTempDir, readBytes, rng } from '../../helpers/audio'

const tmp = makeTempDir('sniff')
let source = ''
beforeAll(() => {
  source = join(tmp.dir, 'source.wav')
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=44100:duration=0.5',
    '-ac',
    '2',
    source,
  )
})
afterAll(() => tmp.cleanup())

function sniffFile(name: string, ...args: string[]): ReturnType<typeof sniffFormat> {
  const path = join(tmp.dir, name)
  ffmpeg('-i', source, ...args, path)
  return sniffFormat(readBytes(path).subarray(0, SNIFF_BYTES))
}

describe('sniffFormat', () => {
  it('recognises every format from its bytes, whatever the file name', () => {
    expect(sniffFile('a.bin', '-c:a', 'pcm_s16le', '-f', 'wav')).toBe('wav')
    expect(sniffFile('b.bin', '-c:a', 'pcm_s24le', '-rf64', 'always', '-f', 'wav')).toBe('wav')
    expect(sniffFile('c.bin', '-c:a', 'pcm_s16be', '-f', 'aiff')).toBe('aiff')
    expect(sniffFile('d.bin', '-c:a', 'pcm_f32be', '-f', 'aiff')).toBe('aiff')
    expect(sniffFile('e.bin', '-c:a', 'libmp3lame', '-f', 'mp3')).toBe('mp3')
    expect(
      sniffFile(
        'f.bin',
        '-c:a',
        'libmp3lame',
        '-id3v2_version',
        '0',
        '-write_xing',
        '0',
        '-f',
        'mp3',
      ),
    ).toBe('mp3')
    expect(sniffFile('g.bin', '-c:a', 'flac', '-f', 'flac')).toBe('flac')
    expect(sniffFile('h.bin', '-c:a', 'libvorbis', '-f', 'ogg')).toBe('ogg-vorbis')
    expect(sniffFile('i.bin', '-c:a', 'libopus', '-f', 'ogg')).toBe('ogg-opus')
    expect(sniffFile('j.bin', '-c:a', 'aac', '-f', 'ipod')).toBe('m4a')
    expect(sniffFile('k.bin', '-c:a', 'aac', '-f', 'mp4')).toBe('m4a')
  })

  it('recognises raw ADTS AAC and Apple Lossless in M4A', () => {
    expect(sniffFile('l.bin', '-c:a', 'aac', '-f', 'adts')).toBe('aac')
    expect(sniffFile('m.bin', '-c:a', 'alac', '-f', 'ipod')).toBe('m4a')
  })

  it('looks past an ID3 tag', () => {
    const flac = join(tmp.dir, 'x.flac')
    ffmpeg('-i', source, flac)
    const tag = new Uint8Array([
      0x49,
      0x44,
      0x33,
      4,
      0,
      0,
      0,
      0,
      0,
      20,
      ...new Array<number>(20).fill(0),
    ])
    const withTag = new Uint8Array([...tag, ...readBytes(flac).subarray(0, 100)])
    expect(sniffFormat(withTag)).toBe('flac')
    expect(sniffFormat(tag.subarray(0, 12))).toBe('mp3')
  })

  it('returns null for anything else', () => {
    const random = rng(3)
    expect(sniffFormat(new Uint8Array(0))).toBeNull()
    expect(sniffFormat(new Uint8Array([0x52, 0x49]))).toBeNull()
    expect(sniffFormat(new TextEncoder().encode('RIFF....AVI LIST'))).toBeNull()
    expect(sniffFormat(new TextEncoder().encode('Hello, world! This is text.'))).toBeNull()
    expect(sniffFormat(new TextEncoder().encode('%PDF-1.7\n'))).toBeNull()
    expect(sniffFormat(new Uint8Array([0xff, 0xf1, 0x50, 0x80]))).toBeNull() // ADTS AAC
    let hits = 0
    for (let t = 0; t < 200; t++) {
      if (sniffFormat(new Uint8Array(64).map(() => random() * 256)) !== null) hits++
    }
    expect(hits).toBe(0)
  })
})
