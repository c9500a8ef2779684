import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  indexMp3File,
  type Mp3FrameIndex,
} from '../../../src/main/core/audio/formats/mp3/frame-index'
import {
  MAX_PRIME_FRAMES,
  PRIME_STEP,
  primingStart,
} from '../../../src/main/core/audio/formats/mp3/priming'
import { decodeMp3Segment } from '../../../src/main/core/audio/formats/mp3/segment-task'
import { makeSource } from './decode-helpers'
import { ffmpeg, makeTempDir } from '../../helpers/audio'

const tmp = makeTempDir('mp3-priming')
let source = ''
beforeAll(() => {
  source = makeSource(tmp.dir, 48000, 8)
})
afterAll(() => tmp.cleanup())

async function indexed(name: string, ...args: string[]): Promise<[string, Mp3FrameIndex]> {
  const path = join(tmp.dir, name)
  ffmpeg('-i', source, '-c:a', 'libmp3lame', ...args, path)
  const index = await indexMp3File(path)
  if (!index) throw new Error(`${name} was not indexed`)
  return [path, index]
}

/** Decodes frames [prime, to) on a fresh decoder and keeps those from `from` on. */
async function decodeFrom(
  path: string,
  index: Mp3FrameIndex,
  prime: number,
  from: number,
  to = from + 20,
): Promise<Float32Array> {
  const samplesPerFrame = index.info.samplesPerFrame
  const { value } = await decodeMp3Segment({
    path,
    start: index.offsets[prime]!,
    end: index.offsets[to]!,
    skip: (from - prime) * samplesPerFrame,
    keep: (to - from) * samplesPerFrame,
    channels: 1,
  })
  return value.channels[0]!
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length)
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length)
  return x.every((v, i) => v === y[i])
}

describe('decoding an MP3 from a frame in the middle', () => {
  it('equals the decode from the start, whatever the frames before the priming start held', async () => {
    // MPEG-2 mono at a high rate: frames reach back into the bit reservoir, so the first frames
    // after a priming start miss data the decode from the start had.
    const [path, index] = await indexed('lsf-mono.mp3', '-ar', '16000', '-ac', '1', '-b:a', '64k')
    const samplesPerFrame = index.info.samplesPerFrame
    const whole = await decodeFrom(path, index, 0, 0, index.frames)
    let checked = 0
    let starvedStarts = 0
    for (let from = 2 * PRIME_STEP; from + 20 <= index.frames; from += PRIME_STEP) {
      const prime = primingStart(index, from)!
      const start = from * samplesPerFrame
      const ref = whole.subarray(start, start + 20 * samplesPerFrame)
      expect(sameBits(await decodeFrom(path, index, prime, from), ref), `frame ${from}`).toBe(true)
      if (index.reservoirBack[prime]! > 0) starvedStarts++
      checked++
    }
    expect(checked).toBeGreaterThan(8)
    expect(starvedStarts).toBeGreaterThan(0)
  })

  it('primes from a step-aligned frame, further back when the reservoir spans many frames', async () => {
    const [, index] = await indexed('tiny.mp3', '-ar', '8000', '-b:a', '8k')
    const starts: number[] = []
    for (let from = PRIME_STEP; from < index.frames; from += PRIME_STEP) {
      const prime = primingStart(index, from)!
      expect(prime % PRIME_STEP).toBe(0)
      expect(prime).toBeLessThanOrEqual(from - PRIME_STEP)
      starts.push(from - prime)
    }
    expect(Math.max(...starts)).toBeGreaterThan(PRIME_STEP)
    expect(primingStart(index, PRIME_STEP - 1)).toBe(0)
  })

  it('gives up within MAX_PRIME_FRAMES when no frame before a segment primes it', () => {
    // Issue 17 item 3: a long low-rate stream whose frames all reach back further than a frame
    // holds sent the search back to the file's start for every segment (hours on the main thread).
    const frames = 1_000_000
    const offsets = new Float64Array(frames + 1).map((_, i) => i * 72)
    const index: Mp3FrameIndex = {
      info: { sampleRate: 8000, channels: 1, samplesPerFrame: 576 },
      layer3: true,
      frames,
      offsets,
      reservoirBack: new Uint16Array(frames).fill(200),
      sideInfo: 9,
      fileSize: frames * 72,
    }
    for (const from of [MAX_PRIME_FRAMES + 2 * PRIME_STEP, frames / 2, frames - 1]) {
      expect(primingStart(index, from)).toBeUndefined()
    }
    // Near the start, the decode from frame 0 is short: that is still fine.
    expect(primingStart(index, PRIME_STEP * 10)).toBe(0)
    expect(MAX_PRIME_FRAMES % PRIME_STEP).toBe(0)
  })
})
