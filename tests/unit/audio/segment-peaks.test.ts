import { describe, expect, it } from 'vitest'
import {
  PeaksBuilder,
  SegmentPeaksBuilder,
  SegmentPeaksJoiner,
} from '../../../src/main/core/audio/dsp'
import { rng } from '../../helpers/audio'

function signal(frames: number, channels: number, seed: number): Float32Array[] {
  const random = rng(seed)
  return Array.from({ length: channels }, () =>
    Float32Array.from({ length: frames }, () => random() * 2 - 1),
  )
}

/** The peaks of `audio` cut at `cuts`, each segment's computed apart and joined. */
function joined(audio: Float32Array[], cuts: number[]) {
  const joiner = new SegmentPeaksJoiner(audio.length, 'damaged')
  const bounds = [0, ...cuts, audio[0]!.length]
  for (let k = 0; k + 1 < bounds.length; k++) {
    const segment = new SegmentPeaksBuilder(audio.length, bounds[k]!)
    // In two chunks, as a decoder hands them over.
    const middle = Math.floor((bounds[k]! + bounds[k + 1]!) / 2)
    segment.push(audio.map((ch) => ch.subarray(bounds[k], middle)))
    segment.push(audio.map((ch) => ch.subarray(middle, bounds[k + 1])))
    joiner.add(segment.finish())
  }
  return joiner.finish()
}

function onePass(audio: Float32Array[]) {
  const builder = new PeaksBuilder(audio.length)
  builder.push(audio)
  return builder.finish()
}

describe('segment peaks', () => {
  it('joined, equal the one-pass peaks wherever the segments are cut', () => {
    const audio = signal(50_000, 2, 7)
    const random = rng(3)
    for (let round = 0; round < 20; round++) {
      const cuts = Array.from({ length: 1 + Math.floor(random() * 6) }, () =>
        Math.floor(random() * 50_000),
      ).sort((a, b) => a - b)
      expect(joined(audio, cuts)).toEqual(onePass(audio))
    }
    // On peak boundaries, and empty segments.
    expect(joined(audio, [4096, 4096, 8192, 20_000])).toEqual(onePass(audio))
  })

  it('keep a stretch of NaNs inside a peak out of it, as one pass does', () => {
    const audio = signal(9000, 1, 11)
    audio[0]!.fill(NaN, 4000, 4300)
    expect(joined(audio, [4100, 4200])).toEqual(onePass(audio))
    audio[0]!.fill(NaN, 8900)
    expect(joined(audio, [8950])).toEqual(onePass(audio))
  })

  it("take a decoder's parts windowed to the frames a segment keeps, as the cut audio", () => {
    const audio = signal(30_000, 2, 5)
    // Kept: frames [1234, 27_000) of the decode, which comes in parts of 4,000 frames.
    const windowed = new SegmentPeaksBuilder(2, 0)
    for (let at = 0; at < 30_000; at += 4000) {
      const part = audio.map((ch) => ch.subarray(at, at + 4000))
      windowed.push(part, 1234 - at, 27_000 - at)
    }
    const cut = new SegmentPeaksBuilder(2, 0)
    cut.push(audio.map((ch) => ch.subarray(1234, 27_000)))
    expect(windowed.finish()).toEqual(cut.finish())
    // Extra channels of a part (an Ogg stream's) are left out; too few are refused.
    const extra = new SegmentPeaksBuilder(1, 0)
    extra.push([audio[0]!, audio[1]!])
    const mono = new SegmentPeaksBuilder(1, 0)
    mono.push([audio[0]!])
    expect(extra.finish()).toEqual(mono.finish())
    expect(() => new SegmentPeaksBuilder(2, 0).push([audio[0]!])).toThrow('expected 2 channels')
  })

  it('refuse segments that do not follow each other', () => {
    const joiner = new SegmentPeaksJoiner(1, 'the stream is damaged')
    for (const offset of [0, 5000]) {
      const segment = new SegmentPeaksBuilder(1, offset)
      segment.push([new Float32Array(1000)])
      joiner.add(segment.finish())
    }
    expect(() => joiner.finish()).toThrow('the stream is damaged')
  })
})
