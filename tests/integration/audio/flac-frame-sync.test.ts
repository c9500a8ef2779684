import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findFrame, frameHeaderLength } from '../../../src/main/core/audio/formats/flac/frame-sync'
import { makeSource, probePackets } from './decode-helpers'
import { ffmpeg, makeTempDir, readBytes } from '../../helpers/audio'

const tmp = makeTempDir('flac-sync')
let bytes: Uint8Array = new Uint8Array(0)
/** [offset, length] of each frame, as ffprobe finds them. */
let frames: [number, number][] = []
beforeAll(() => {
  const source = makeSource(tmp.dir, 44100, 1.5)
  const path = join(tmp.dir, 'sync.flac')
  ffmpeg('-i', source, '-c:a', 'flac', '-sample_fmt', 's16', path)
  bytes = readBytes(path)
  frames = probePackets(path).map(({ pos, size }) => [pos, size])
})
afterAll(() => tmp.cleanup())

const MAX_FRAME = 1 << 16

describe('frameHeaderLength', () => {
  it('reads the header of every frame and nothing one byte off', () => {
    expect(frames.length).toBeGreaterThan(10)
    for (const [at] of frames) {
      expect(frameHeaderLength(bytes, at)).toBeGreaterThan(5)
      expect(frameHeaderLength(bytes, at + 1)).toBe(0)
    }
  })

  it('refuses a header whose CRC-8 does not hold', () => {
    const [at] = frames[3]!
    const length = frameHeaderLength(bytes, at)
    const copy = bytes.slice(at, at + length)
    copy[length - 1] = copy[length - 1]! ^ 1
    expect(frameHeaderLength(copy, 0)).toBe(0)
  })
})

describe('findFrame', () => {
  it('finds the next frame from anywhere in the one before', () => {
    for (let f = 1; f < frames.length - 1; f++) {
      const [previous, length] = frames[f - 1]!
      for (const into of [0, 1, length >> 1, length - 1]) {
        const from = previous + into
        const found = findFrame(bytes, {
          from,
          to: bytes.length,
          maxFrame: MAX_FRAME,
          endOfFile: true,
        })
        expect(found).toBe(into === 0 ? previous : frames[f]![0])
      }
    }
  })

  it('takes a frame running to the end of the bytes only at the end of the file', () => {
    const [last, length] = frames[frames.length - 1]!
    const end = last + length
    const search = { from: last, to: end, maxFrame: MAX_FRAME }
    expect(findFrame(bytes.subarray(0, end), { ...search, endOfFile: true })).toBe(last)
    expect(findFrame(bytes.subarray(0, end), { ...search, endOfFile: false })).toBe(-1)
    // A frame longer than maxFrame is not one.
    expect(findFrame(bytes, { ...search, maxFrame: length - 1, endOfFile: true })).toBe(-1)
  })
})
