// The metronome: a click on every beat of the project tempo (a higher one on the first beat of a
// bar), scheduled on the audio clock a little ahead, pass after pass of a loop, so that it stays
// with the music. It goes straight to the speakers: not through the master, never into an export.
import { clicksBetween, type Click, type MetronomeTempo } from './clicks'
import type { LoopSegment } from './scheduler'

export type { MetronomeTempo }

/** How far ahead clicks are scheduled (s), and how often the window moves on (ms). */
const LOOKAHEAD = 0.3
const INTERVAL_MS = 100
const CLICK_SECONDS = 0.035

export class Metronome {
  #timer: ReturnType<typeof setInterval> | null = null
  /** Audio time up to which clicks are scheduled. */
  #until = 0
  #nodes: OscillatorNode[] = []

  constructor(
    private readonly context: AudioContext,
    private readonly segments: () => readonly LoopSegment[],
  ) {}

  /** Clicks from now on for the segments being played, until `stop`. */
  start(tempo: MetronomeTempo, sampleRate: number): void {
    this.stop()
    this.#until = this.context.currentTime
    const pump = () => {
      const until = this.context.currentTime + LOOKAHEAD
      const clicks = clicksBetween(this.segments(), this.#until, until, sampleRate, tempo)
      for (const click of clicks) this.#click(click)
      this.#until = until
    }
    pump()
    this.#timer = setInterval(pump, INTERVAL_MS)
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
    for (const node of this.#nodes) {
      node.onended = null
      try {
        node.stop()
      } catch {
        // Never started: nothing to stop.
      }
      node.disconnect()
    }
    this.#nodes = []
  }

  #click({ at, accent }: Click): void {
    const context = this.context
    const oscillator = context.createOscillator()
    oscillator.frequency.value = accent ? 1760 : 1175
    const gain = context.createGain()
    gain.gain.setValueAtTime(accent ? 0.5 : 0.32, at)
    gain.gain.exponentialRampToValueAtTime(0.001, at + CLICK_SECONDS)
    oscillator.connect(gain)
    gain.connect(context.destination)
    oscillator.start(at)
    oscillator.stop(at + CLICK_SECONDS)
    oscillator.onended = () => {
      oscillator.disconnect()
      gain.disconnect()
      this.#nodes = this.#nodes.filter((node) => node !== oscillator)
    }
    this.#nodes.push(oscillator)
  }
}
