import { describe, expect, it } from 'vitest'
import { LoudnessMeter } from '../../../src/main/core/audio/dsp/loudness'
import { MeterCore, type MeterReading } from '../../../src/renderer/src/master/meter-core'
import { rng, sine } from '../../helpers/audio'

const reading = (): MeterReading => ({ peak: [0, 0], momentary: NaN, shortTerm: NaN })

/** Pushes a stereo signal in 128-frame quanta, as the audio thread does. */
function feed(core: MeterCore, left: Float32Array, right: Float32Array): void {
  for (let at = 0; at < left.length; at += 128) {
    const n = Math.min(128, left.length - at)
    core.push(left.subarray(at, at + n), right.subarray(at, at + n), n)
  }
}

/** The export meter's loudness of exactly these frames (one gating block when 400 ms). */
function exportLoudness(left: Float32Array, right: Float32Array): number {
  const meter = new LoudnessMeter(48000, 2)
  meter.push([left, right])
  return meter.integrated()
}

describe('the playback meter (MeterCore)', () => {
  it('reads the momentary loudness of the last 400 ms as the export meter does', () => {
    const random = rng(7)
    const left = sine(48000, 997, 48000, 0.3).map((v) => v + 0.1 * (random() - 0.5))
    const right = sine(48000, 440, 48000, 0.2)
    const core = new MeterCore(48000)
    feed(core, left, right)
    const out = reading()
    core.read(out)
    // The last 400 ms, measured afresh by the export's meter (its filters start from silence,
    // ours ran on: a tone's filtered energy settles within a few ms, so they agree closely).
    const tail = (x: Float32Array) => x.subarray(x.length - 19200)
    expect(out.momentary).toBeCloseTo(exportLoudness(tail(left), tail(right)), 1)
    expect(out.peak[0]).toBeCloseTo(Math.max(...left.map(Math.abs)), 6)
    expect(out.peak[1]).toBeCloseTo(0.2, 3)
    // Short-term needs 3 s: not there yet after 1 s.
    expect(out.shortTerm).toBe(-Infinity)
  })

  it('reads the short-term loudness of the last 3 s, and −∞ for silence', () => {
    const left = sine(48000, 1000, 4 * 48000, 0.5)
    const core = new MeterCore(48000)
    feed(core, left, left)
    const out = reading()
    core.read(out)
    const tail = left.subarray(left.length - 3 * 48000)
    expect(out.shortTerm).toBeCloseTo(exportLoudness(tail, tail), 1)
    // A 1 kHz sine at -6 dBFS peak in both channels: -6 - 3.01 + 3.01 (two channels) + K-weighting
    // at 1 kHz (about +0.7 dB) - 0.691 = about -6 LUFS.
    expect(out.shortTerm).toBeGreaterThan(-6.5)
    expect(out.shortTerm).toBeLessThan(-5.5)
    // 3.5 s: the last 3 s hold none of the filters' ringing after the tone.
    const silence = new Float32Array(3.5 * 48000)
    feed(core, silence, silence)
    core.read(out)
    expect(out.momentary).toBe(-Infinity)
    expect(out.shortTerm).toBe(-Infinity)
    expect(out.peak).toEqual([0, 0])
  })
})
