import { describe, expect, it } from 'vitest'
import type { FrameReader, PcmAudio } from '../../../src/main/core/audio/dsp/pcm'
import {
  audibleTracks,
  projectEnd,
  RenderScratch,
  renderMix,
  renderTrack,
  renderTrackInto,
  type BufferedFrameReader,
  type RenderClip,
  type RenderProject,
  type RenderTrack,
  type StereoBuffer,
} from '../../../src/main/core/audio/dsp/render'
import { resample } from '../../../src/main/core/audio/dsp/resample'
import { maxDiff, rng, sine } from '../../helpers/audio'

const RATE = 48000

function ramp(frames: number, scale = 1e-4): Float32Array {
  return new Float32Array(frames).map((_, i) => (i + 1) * scale)
}

function clip(source: PcmAudio | FrameReader, fields: Partial<RenderClip> = {}): RenderClip {
  const frames = 'read' in source ? source.frames : source.channels[0]!.length
  return {
    start: 0,
    offset: 0,
    length: frames,
    gainDb: 0,
    fadeIn: 0,
    fadeOut: 0,
    source,
    ...fields,
  }
}

function track(clips: RenderClip[], fields: Partial<RenderTrack> = {}): RenderTrack {
  return { gainDb: 0, mute: false, solo: false, clips, ...fields }
}

function noise(frames: number, seed: number): Float32Array {
  const random = rng(seed)
  return new Float32Array(frames).map(() => random() - 0.5)
}

describe('renderTrack', () => {
  it('places a clip at its start, from its offset, for its length (mono to both sides)', () => {
    const src = ramp(1000)
    const [l, r] = renderTrack(
      RATE,
      track([clip({ sampleRate: RATE, channels: [src] }, { start: 100, offset: 50, length: 200 })]),
      0,
      400,
    )
    expect(l.subarray(0, 100).every((v) => v === 0)).toBe(true)
    expect(Array.from(l.subarray(100, 300))).toEqual(Array.from(src.subarray(50, 250)))
    expect(l.subarray(300).every((v) => v === 0)).toBe(true)
    expect(r).toEqual(l)
  })

  it('renders any sub-range identically (chunked rendering)', () => {
    const src = { sampleRate: RATE, channels: [noise(5000, 1), noise(5000, 2)] }
    const t = track([
      clip(src, { start: 333, offset: 17, length: 4000, fadeIn: 500, fadeOut: 700, gainDb: -3 }),
    ])
    const whole = renderTrack(RATE, t, 0, 6000)
    const parts = [0, 400, 1234, 4321, 6000]
    for (let i = 0; i + 1 < parts.length; i++) {
      const part = renderTrack(RATE, t, parts[i]!, parts[i + 1]!)
      expect(
        maxDiff(
          part,
          whole.map((ch) => ch.subarray(parts[i], parts[i + 1])),
        ),
      ).toBe(0)
    }
    expect(
      renderTrack(RATE, t, -100, 50)[0]
        .subarray(0, 100)
        .every((v) => v === 0),
    ).toBe(true)
  })

  it('keeps stereo sides apart and applies clip and track gain', () => {
    const left = ramp(100)
    const right = ramp(100, -2e-4)
    const t = track([clip({ sampleRate: RATE, channels: [left, right] }, { gainDb: -6 })], {
      gainDb: 3,
    })
    const [l, r] = renderTrack(RATE, t, 0, 100)
    const g = 10 ** (-3 / 20)
    for (let i = 0; i < 100; i++) {
      expect(l[i]).toBeCloseTo(left[i]! * g, 7)
      expect(r[i]).toBeCloseTo(right[i]! * g, 7)
    }
  })

  it('applies equal-power fades (sin in, cos out)', () => {
    const ones = { sampleRate: RATE, channels: [new Float32Array(1000).fill(1)] }
    const [l] = renderTrack(
      RATE,
      track([clip(ones, { start: 10, fadeIn: 100, fadeOut: 200 })]),
      0,
      1100,
    )
    for (let k = 0; k < 100; k++)
      expect(l[10 + k]).toBeCloseTo(Math.sin((Math.PI / 2) * (k / 100)), 6)
    for (let k = 100; k < 800; k++) expect(l[10 + k]).toBe(1)
    for (let k = 0; k < 200; k++)
      expect(l[10 + 800 + k]).toBeCloseTo(Math.cos((Math.PI / 2) * (k / 200)), 6)
    expect(l[1010]).toBe(0)
  })

  it('crossfades two overlapping clips at constant power, and sums overlapping clips', () => {
    const a = { sampleRate: RATE, channels: [new Float32Array(1000).fill(1)] }
    const b = { sampleRate: RATE, channels: [new Float32Array(1000).fill(1)] }
    const [la] = renderTrack(RATE, track([clip(a, { fadeOut: 300 })]), 0, 2000)
    const [lb] = renderTrack(RATE, track([clip(b, { start: 700, fadeIn: 300 })]), 0, 2000)
    for (let i = 700; i < 1000; i++) expect(la[i]! ** 2 + lb[i]! ** 2).toBeCloseTo(1, 6)
    const [both] = renderTrack(
      RATE,
      track([clip(a, { fadeOut: 300 }), clip(b, { start: 700, fadeIn: 300 })]),
      0,
      2000,
    )
    for (let i = 0; i < 2000; i++) expect(both[i]).toBeCloseTo(la[i]! + lb[i]!, 6)
  })

  it('is silent past the end of the source and for zero-length clips', () => {
    const src = { sampleRate: RATE, channels: [ramp(100)] }
    const [l] = renderTrack(
      RATE,
      track([
        clip(src, { start: 0, offset: 60, length: 100 }),
        clip(src, { start: 500, length: 0 }),
      ]),
      0,
      600,
    )
    expect(Array.from(l.subarray(0, 40))).toEqual(Array.from(src.channels[0]!.subarray(60)))
    expect(l.subarray(40).every((v) => v === 0)).toBe(true)
  })

  it('resamples sources at other rates (a 1 kHz sine at 32 kHz stays a 1 kHz sine at 48 kHz)', () => {
    const src = { sampleRate: 32000, channels: [sine(32000, 1000, 32000, 0.5)] }
    const t = track([clip(src, { start: 1000, offset: 4800, length: 24000 })])
    const [l] = renderTrack(RATE, t, 0, 30000)
    const whole = resample(src, RATE).channels[0]!
    expect(maxDiff([l.subarray(1000, 25000)], [whole.subarray(4800, 28800)])).toBe(0)
    const ideal = sine(RATE, 1000, 28800, 0.5)
    expect(maxDiff([l.subarray(1000, 25000)], [ideal.subarray(4800, 28800)])).toBeLessThan(1e-5)
    // Chunked rendering of a resampled clip matches too.
    const chunk = renderTrack(RATE, t, 7777, 9999)[0]
    expect(maxDiff([chunk], [l.subarray(7777, 9999)])).toBe(0)
    // The clip's source length is the resampled length: 48000 frames, silent after.
    const [tail] = renderTrack(RATE, track([clip(src, { offset: 47990, length: 100 })]), 0, 100)
    expect(tail.subarray(10).every((v) => v === 0)).toBe(true)
  })

  it('reads FrameReader sources', () => {
    const data = noise(3000, 5)
    const reads: [number, number][] = []
    const reader: FrameReader = {
      sampleRate: 44100,
      channelCount: 1,
      frames: 3000,
      read: (start, count) => {
        reads.push([start, count])
        return [data.slice(start, start + count)]
      },
    }
    const viaReader = renderTrack(
      RATE,
      track([clip(reader, { start: 5, offset: 100, length: 2000 })]),
      0,
      2500,
    )
    const viaPcm = renderTrack(
      RATE,
      track([
        clip({ sampleRate: 44100, channels: [data] }, { start: 5, offset: 100, length: 2000 }),
      ]),
      0,
      2500,
    )
    expect(maxDiff(viaReader, viaPcm)).toBe(0)
    for (const [start, count] of reads) {
      expect(start).toBeGreaterThanOrEqual(0)
      expect(start + count).toBeLessThanOrEqual(3000)
    }
  })
})

describe('renderTrackInto', () => {
  /** An in-memory source read through the BufferedFrameReader interface, counting its calls. */
  function buffered(audio: PcmAudio) {
    const calls = { read: 0, readInto: 0, mixInto: 0 }
    const frames = audio.channels[0]!.length
    const reader: BufferedFrameReader = {
      sampleRate: audio.sampleRate,
      channelCount: audio.channels.length,
      frames,
      read: (start, count) => {
        calls.read++
        return audio.channels.map((c) => c.slice(start, start + count))
      },
      readInto: (start, count, out, outOffset) => {
        calls.readInto++
        audio.channels.forEach((c, ch) => out[ch]!.set(c.subarray(start, start + count), outOffset))
      },
      mixInto: (start, count, gain, out, outOffset) => {
        calls.mixInto++
        const left = audio.channels[0]!
        const right = audio.channels[1] ?? left
        for (let i = 0; i < count; i++) {
          out[0][outOffset + i] = out[0][outOffset + i]! + left[start + i]! * gain
          out[1][outOffset + i] = out[1][outOffset + i]! + right[start + i]! * gain
        }
      },
    }
    return { reader, calls }
  }

  it('renders into reused buffers exactly what renderTrack returns', () => {
    const stereo = { sampleRate: RATE, channels: [noise(6000, 21), noise(6000, 22)] }
    const mono = { sampleRate: RATE, channels: [noise(3000, 23)] }
    const slow = { sampleRate: 44100, channels: [noise(4000, 24), noise(4000, 25)] }
    const clips = (s: PcmAudio | FrameReader, m: PcmAudio | FrameReader) => [
      clip(s, { start: 100, offset: 7, length: 5000, fadeIn: 300, fadeOut: 900, gainDb: -2 }),
      clip(m, { start: 2500, offset: 1, length: 2999, gainDb: 3 }),
      clip(s, { start: 4000, offset: 5500, length: 3000 }), // runs past its source
      clip(slow, { start: 50, offset: 11, length: 3500, fadeOut: 100 }),
    ]
    const direct = track(clips(stereo, mono), { gainDb: -1 })
    const viaReaders = buffered(stereo)
    const monoReader = buffered(mono)
    const throughReaders = track(clips(viaReaders.reader, monoReader.reader), { gainDb: -1 })
    const whole = renderTrack(RATE, direct, 0, 7500)
    const scratch = new RenderScratch()
    const out: StereoBuffer = [new Float32Array(1000).fill(7), new Float32Array(1000).fill(7)]
    for (const t of [direct, throughReaders]) {
      for (let from = 0; from < 7500; from += 1000) {
        const to = Math.min(7500, from + 1000)
        renderTrackInto(RATE, t, from, to, out, scratch)
        for (let c = 0; c < 2; c++) {
          expect(Array.from(out[c]!.subarray(0, to - from))).toEqual(
            Array.from(whole[c]!.subarray(from, to)),
          )
        }
      }
    }
    // Ranges without a fade go through mixInto; fades and the source's end through readInto.
    expect(viaReaders.calls.mixInto).toBeGreaterThan(0)
    expect(viaReaders.calls.readInto).toBeGreaterThan(0)
    expect(monoReader.calls.mixInto).toBeGreaterThan(0)
  })

  it('gives a mono source one buffer after a stereo source used two', () => {
    const stereo = { sampleRate: RATE, channels: [noise(500, 31), noise(500, 32)] }
    const mono = { sampleRate: RATE, channels: [noise(500, 33)] }
    const t = track([
      clip(stereo, { start: 0, offset: 10, length: 400, fadeIn: 50 }),
      clip(mono, { start: 100, offset: 20, length: 300, fadeOut: 50 }),
    ])
    const scratch = new RenderScratch()
    const out: StereoBuffer = [new Float32Array(500), new Float32Array(500)]
    renderTrackInto(RATE, t, 0, 500, out, scratch)
    const [l, r] = renderTrack(RATE, t, 0, 500)
    expect(Array.from(out[0])).toEqual(Array.from(l))
    expect(Array.from(out[1])).toEqual(Array.from(r))
  })

  it('refuses an output shorter than the range', () => {
    const out: StereoBuffer = [new Float32Array(10), new Float32Array(10)]
    expect(() => renderTrackInto(RATE, track([]), 0, 11, out)).toThrow(/fewer than 11 frames/)
  })
})

describe('renderMix', () => {
  const a = { sampleRate: RATE, channels: [noise(4000, 11), noise(4000, 12)] }
  const b = { sampleRate: 32000, channels: [noise(3000, 13)] }
  const c = { sampleRate: 44100, channels: [noise(2000, 14), noise(2000, 15)] }
  const tracks = (): RenderTrack[] => [
    track(
      [
        clip(a, { start: 0, fadeOut: 1000 }),
        clip(a, { start: 3000, offset: 500, length: 2000, gainDb: -4 }),
      ],
      { gainDb: -2 },
    ),
    track([clip(b, { start: 1500, length: 3500, fadeIn: 200 })], { gainDb: 1 }),
    track([clip(c, { start: 200, length: 1500 })]),
  ]
  const project = (ts: RenderTrack[]): RenderProject => ({ sampleRate: RATE, tracks: ts })

  it('equals the sum of the stems of the audible tracks', () => {
    const ts = tracks()
    const end = projectEnd(ts)
    expect(end).toBe(5000)
    const mix = renderMix(project(ts), 0, end)
    const stems = ts.map((t) => renderTrack(RATE, t, 0, end))
    const sum = [new Float32Array(end), new Float32Array(end)]
    for (const stem of stems) {
      for (let side = 0; side < 2; side++)
        for (let i = 0; i < end; i++) sum[side]![i] = sum[side]![i]! + stem[side]![i]!
    }
    expect(maxDiff(mix, sum)).toBe(0)
    expect(mix[0].some((v) => v !== 0)).toBe(true)
  })

  it('plays only soloed tracks when any is soloed; mute silences and wins over solo', () => {
    const ts = tracks()
    ts[1]!.solo = true
    expect(audibleTracks(ts)).toEqual([false, true, false])
    expect(maxDiff(renderMix(project(ts), 0, 5000), renderTrack(RATE, ts[1]!, 0, 5000))).toBe(0)
    ts[2]!.solo = true
    ts[2]!.mute = true
    expect(audibleTracks(ts)).toEqual([false, true, false])
    ts[1]!.mute = true
    expect(audibleTracks(ts)).toEqual([true, false, false])
    const muted = tracks().map((t) => ({ ...t, mute: true }))
    expect(renderMix(project(muted), 0, 5000)[0].every((v) => v === 0)).toBe(true)
  })

  it('rejects an invalid range', () => {
    expect(() => renderMix(project(tracks()), 10, 5)).toThrow(RangeError)
    expect(() => renderMix(project(tracks()), 0.5, 5)).toThrow(RangeError)
  })
})
