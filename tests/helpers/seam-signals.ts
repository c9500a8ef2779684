// Test signals for the seam alignment: music-like audio and a continuation of it (the seam
// tests and bench/seam.bench.ts).
import type { PcmAudio } from '../../src/main/core/audio/dsp/pcm'
import { resample } from '../../src/main/core/audio/dsp/resample'
import { rng } from './audio'

export const RATE = 48000

/**
 * Something like music: notes (a fundamental and a few harmonics, random pitch, attack/decay
 * envelopes) on a pulse, panned differently per note, with a little noise. Stereo.
 */
export function music(frames: number, seed: number, centred = false): [Float32Array, Float32Array] {
  const random = rng(seed)
  const left = new Float32Array(frames)
  const right = new Float32Array(frames)
  const beat = Math.round(RATE * 0.25)
  for (let onset = 0; onset < frames; onset += beat) {
    for (let voice = 0; voice < 2; voice++) {
      const midi = 40 + Math.floor(random() * 40)
      const f = 440 * 2 ** ((midi - 69) / 12)
      const dur = Math.round(RATE * (0.2 + random() * 0.8))
      const amp = 0.05 + random() * 0.1
      const pan = centred ? 0.5 : random()
      const phase = random() * 2 * Math.PI
      const attack = RATE * 0.01
      const decay = RATE * (0.1 + random() * 0.4)
      const end = Math.min(frames, onset + dur)
      for (let i = onset; i < end; i++) {
        const t = i - onset
        const env = Math.min(1, t / attack) * Math.exp(-t / decay)
        const w = (2 * Math.PI * f * t) / RATE + phase
        const s = amp * env * (Math.sin(w) + 0.5 * Math.sin(2 * w) + 0.25 * Math.sin(3 * w))
        left[i] = left[i]! + s * (1 - pan)
        right[i] = right[i]! + s * pan
      }
    }
  }
  for (let i = 0; i < frames; i++) {
    left[i] = left[i]! + (random() - 0.5) * 0.01
    right[i] = right[i]! + (random() - 0.5) * 0.01
  }
  return [left, right]
}

export function noise(frames: number, seed: number, amp: number): Float32Array {
  const random = rng(seed)
  const out = new Float32Array(frames)
  for (let i = 0; i < frames; i++) out[i] = (random() * 2 - 1) * amp
  return out
}

export function scaled(audio: PcmAudio, db: number): PcmAudio {
  const g = 10 ** (db / 20)
  return { sampleRate: audio.sampleRate, channels: audio.channels.map((c) => c.map((x) => x * g)) }
}

/**
 * A parent tail of W seconds and a continuation head whose overlap is that tail delayed by k
 * samples (R[i + k] = tail[i]), delivered at the model's 32 kHz.
 */
export function continuation(
  seconds: number,
  k: number,
  seed: number,
  options: { gainDb?: number; mono?: boolean } = {},
): { tail: PcmAudio; head: PcmAudio } {
  const n = Math.round(seconds * RATE)
  const margin = 4800
  // A mono result of a wide mix is quieter, as heard; keep the mono case centred.
  const [l, r] = music(n + 2 * margin, seed, options.mono)
  const tail: PcmAudio = {
    sampleRate: RATE,
    channels: [l.slice(margin, margin + n), r.slice(margin, margin + n)],
  }
  let head48: PcmAudio = {
    sampleRate: RATE,
    channels: [l.slice(margin - k, margin - k + n), r.slice(margin - k, margin - k + n)],
  }
  if (options.mono) {
    const [hl, hr] = head48.channels as [Float32Array, Float32Array]
    head48 = { sampleRate: RATE, channels: [hl.map((x, i) => (x + hr[i]!) / 2)] }
  }
  const head = resample(scaled(head48, options.gainDb ?? 0), 32000)
  return { tail, head }
}
