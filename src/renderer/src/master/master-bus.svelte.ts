import { masterGainCommand, type Command } from '../../../shared/undo'
import type { ProjectState } from '../lib/state/project.svelte'
import meterProcessorUrl from './meter-processor.ts?worker&url'

/** The fader's range (dB); the contract allows down to -60. */
export const MASTER_MIN_DB = -30
export const MASTER_MAX_DB = 12
/** The peak hold stays this long (ms), then falls. */
const HOLD_MS = 1500
/** How fast a held peak falls afterwards (dB per second). */
const FALL_DB_PER_S = 20
/** The bottom of the meters (dB). */
export const METER_FLOOR_DB = -60

const toDb = (linear: number): number => (linear > 0 ? 20 * Math.log10(linear) : -Infinity)

/**
 * The master bus of the open project: its gain (stored in the project; a change is one undo
 * step) and the meters on its output during playback, fed by an AudioWorklet on the audio
 * thread (meter-processor.ts) about 20 times a second.
 */
export class MasterBus {
  /** The fader's value while it is being moved, before the step is recorded. */
  draftDb = $state<number | null>(null)
  /** Peak of each channel in the last reading (dBFS). */
  peakDb = $state<[number, number]>([-Infinity, -Infinity])
  /** The highest recent peak of both channels (dBFS), held then falling. */
  holdDb = $state(-Infinity)
  /** A sample reached full scale since the last click on the indicator. */
  over = $state(false)
  momentaryLufs = $state(-Infinity)
  shortTermLufs = $state(-Infinity)
  /** The meters run (false until playback first starts, or where the audio thread cannot). */
  metering = $state(false)
  /** Why there are no meters, when they failed to start. */
  meterError = $state<string | null>(null)

  #holdAt = 0
  #holdPeak = -Infinity
  #node: AudioWorkletNode | null = null

  constructor(
    private readonly project: ProjectState,
    private readonly applyGain: (db: number) => void,
    private readonly execute: (command: Command) => Promise<void>,
  ) {}

  get gainDb(): number {
    return this.draftDb ?? this.project.detail?.masterGainDb ?? 0
  }

  /** Follows the fader while it moves: heard at once, recorded on commit. */
  preview(db: number): void {
    this.draftDb = db
    this.applyGain(db)
  }

  /** Records the gain as one undo step (a fader commits when it is let go). */
  async commit(db: number): Promise<void> {
    const detail = this.project.detail
    this.draftDb = db
    this.applyGain(db)
    if (!detail || detail.masterGainDb === db) {
      this.draftDb = null
      return
    }
    try {
      await this.execute(masterGainCommand(detail.id, detail.masterGainDb, db))
    } finally {
      this.draftDb = null
    }
  }

  /** Applies the stored gain to playback (on load, undo, redo). */
  sync(): void {
    if (this.draftDb === null) this.applyGain(this.gainDb)
  }

  clearOver(): void {
    this.over = false
  }

  /** Called by the playback engine once it has an audio graph: puts the meter on the master. */
  async attach(context: AudioContext, master: AudioNode): Promise<void> {
    try {
      await context.audioWorklet.addModule(meterProcessorUrl)
      const node = new AudioWorkletNode(context, 'master-meter', {
        numberOfInputs: 1,
        numberOfOutputs: 1,
        channelCount: 2,
        channelCountMode: 'explicit',
      })
      // Pulled by the destination through a silent gain, so that it runs with the graph.
      const sink = context.createGain()
      sink.gain.value = 0
      master.connect(node)
      node.connect(sink)
      sink.connect(context.destination)
      node.port.onmessage = (event: MessageEvent<[number, number, number, number]>) =>
        this.#reading(event.data)
      this.#node = node
      this.metering = true
    } catch (error) {
      this.meterError = error instanceof Error ? error.message : String(error)
    }
  }

  #reading([left, right, momentary, shortTerm]: [number, number, number, number]): void {
    const now = performance.now()
    const l = toDb(left)
    const r = toDb(right)
    this.peakDb = [l, r]
    const top = Math.max(l, r)
    if (left >= 1 || right >= 1) this.over = true
    const fallen = Math.max(0, now - this.#holdAt - HOLD_MS) * (FALL_DB_PER_S / 1000)
    const held = this.#holdPeak - fallen
    if (top >= held) {
      this.#holdPeak = top
      this.#holdAt = now
    }
    this.holdDb = Math.max(top, held)
    this.momentaryLufs = momentary
    this.shortTermLufs = shortTerm
  }

  dispose(): void {
    if (this.#node) this.#node.port.onmessage = null
    this.#node?.disconnect()
    this.#node = null
  }
}
