import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { indexMp3File } from '../../../src/main/core/audio/formats/mp3/frame-index'
import {
  frameLength,
  id3v2Size,
  isFrameHeader,
} from '../../../src/main/core/audio/formats/mp3/header'
import { makeSource } from './decode-helpers'
import { ffmpeg, makeTempDir, readBytes, run } from '../../helpers/audio'

const tmp = makeTempDir('mp3-index')
let source = ''
beforeAll(() => {
  source = makeSource(tmp.dir, 44100, 2)
})
afterAll(() => tmp.cleanup())

function encode(name: string, ...args: string[]): string {
  const path = join(tmp.dir, name)
  ffmpeg('-i', source, ...args, path)
  return path
}

/** Audio frames (packets) of a file, as ffprobe counts them. */
function ffprobeFrames(path: string): number {
  const { stdout } = run('ffprobe', [
    '-v',
    'error',
    '-count_packets',
    '-select_streams',
    'a:0',
    '-show_entries',
    'stream=nb_read_packets',
    '-of',
    'csv=p=0',
    path,
  ])
  return Number(stdout.toString().trim())
}

describe('frameLength', () => {
  it.each([
    ['MPEG-1 layer III 128k 44.1 kHz', [0xff, 0xfb, 0x90, 0x64], 417],
    ['the same, padded', [0xff, 0xfb, 0x92, 0x64], 418],
    ['MPEG-2 layer III 64k 16 kHz', [0xff, 0xf3, 0x88, 0xc4], 288],
    ['MPEG-1 layer II 192k 48 kHz', [0xff, 0xfd, 0xa4, 0x04], 576],
    ['MPEG-1 layer I 384k 44.1 kHz, padded', [0xff, 0xff, 0xc2, 0x04], 420],
  ])('measures a %s frame', (_name, header, length) => {
    const bytes = new Uint8Array(header)
    expect(isFrameHeader(bytes, 0)).toBe(true)
    expect(frameLength(bytes, 0)).toBe(length)
  })

  it('says 0 for a free-format frame', () => {
    expect(frameLength(new Uint8Array([0xff, 0xfb, 0x00, 0x64]), 0)).toBe(0)
  })
})

describe('indexMp3File', () => {
  it('finds every audio frame after the ID3v2 tag and the LAME tag frame', async () => {
    const path = encode('tagged.mp3', '-c:a', 'libmp3lame', '-b:a', '128k', '-metadata', 'title=t')
    const bytes = readBytes(path)
    const index = await indexMp3File(path)
    expect(index).toBeDefined()
    const { offsets, frames } = index!
    expect(frames).toBe(ffprobeFrames(path))
    expect(frames).toBe(index!.info.tagFrames)
    const tagFrame = id3v2Size(bytes)
    expect(offsets[0]).toBe(tagFrame + frameLength(bytes, tagFrame))
    for (let f = 0; f < frames; f++) {
      expect(offsets[f + 1]! - offsets[f]!).toBe(frameLength(bytes, offsets[f]!))
    }
    expect(offsets[frames]).toBe(bytes.length)
    expect(index!.reservoirBack.length).toBe(frames)
    expect(index!.reservoirBack[0]).toBe(0)
  })

  it('leaves a trailing ID3v1 tag out', async () => {
    const path = encode('v1.mp3', '-c:a', 'libmp3lame', '-write_id3v1', '1', '-metadata', 'title=t')
    const index = await indexMp3File(path)
    expect(index!.offsets[index!.frames]).toBe(readBytes(path).length - 128)
    expect(index!.frames).toBe(ffprobeFrames(path))
  })

  it('indexes layer II, which has no reservoir', async () => {
    const path = encode('two.mp2', '-c:a', 'mp2')
    const index = await indexMp3File(path)
    expect(index!.layer3).toBe(false)
    expect(index!.frames).toBe(ffprobeFrames(path))
  })

  it('refuses a file cut inside a frame, or holding frames after junk', async () => {
    const bytes = readBytes(encode('whole.mp3', '-c:a', 'libmp3lame'))
    const cut = join(tmp.dir, 'cut.mp3')
    writeFileSync(cut, bytes.subarray(0, bytes.length - 100))
    expect(await indexMp3File(cut)).toBeUndefined()
    const junk = join(tmp.dir, 'junk.mp3')
    const withJunk = new Uint8Array(bytes.length + 7)
    withJunk.set(bytes.subarray(0, 5000))
    withJunk.set(bytes.subarray(5000), 5007)
    writeFileSync(junk, withJunk)
    expect(await indexMp3File(junk)).toBeUndefined()
  })
})
