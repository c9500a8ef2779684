import { beatSamples, snapTime } from '../../../../shared/timeline'
import { PlaybackEngine, type LoopRegion } from '../../lib/playback/engine'
import type { PlanTrack } from '../../lib/playback/scheduler'
import type { Notices } from '../../lib/state/notices.svelte'
import { toSet } from '../edits'
import type { TimelineContent } from './content.svelte'
import type { Selection } from './selection.svelte'
import type { Snapping } from './snapping.svelte'
import type { Viewport } from './viewport.svelte'

/** The playhead, the loop, the metronome and Web Audio playback of the project's tracks. */
export class Transport {
  playhead = $state(0)
  playing = $state(false)
  /** Play was pressed and audio is still being fetched and decoded. */
  preparing = $state(false)
  loop = $state<LoopRegion | null>(null)
  loopOn = $state(false)
  /** The metronome clicks the project tempo while playing. */
  metronome = $state(false)

  readonly #engine: PlaybackEngine
  #raf = 0
  #playedClips = ''

  constructor(
    private readonly content: TimelineContent,
    private readonly view: Viewport,
    private readonly selection: Selection,
    private readonly snapping: Snapping,
    private readonly notices: Notices,
    urlFor: (assetId: string) => Promise<string>,
    /** Connects playback's output (before the speakers) to the master bus. */
    attach: (context: AudioContext, node: AudioNode) => void,
  ) {
    this.#engine = new PlaybackEngine(urlFor, attach)
  }

  /** The loop's edges, where a drag snaps besides the clips' edges. */
  loopMarks(): number[] {
    return this.loop ? [this.loop.start, this.loop.end] : []
  }

  setMasterGain(db: number): void {
    this.#engine.setMasterGain(db)
  }

  seek(samples: number): void {
    this.playhead = Math.max(0, Math.round(samples))
    if (this.playing) void this.#start()
  }

  toStart(): void {
    this.seek(0)
    this.view.scrollTo(0)
  }

  toEnd(): void {
    this.seek(this.content.endSamples)
    this.view.follow(this.playhead)
  }

  /** Moves the playhead by `beats` grid steps (a beat with a tempo, else a second). */
  nudge(beats: number): void {
    const tempo = this.content.tempo
    const step = tempo ? beatSamples(tempo.bpm, this.content.rate) : this.content.rate
    this.seek(this.playhead + step * beats)
    this.view.follow(this.playhead)
  }

  toggle(): Promise<void> {
    if (this.playing) {
      this.pause()
      return Promise.resolve()
    }
    return this.play()
  }

  async play(): Promise<void> {
    if (this.playing) return
    const loop = this.loopOn ? this.loop : null
    if (loop && (this.playhead < loop.start || this.playhead >= loop.end)) {
      this.playhead = loop.start
    } else if (!loop && this.playhead >= this.content.endSamples) {
      this.playhead = 0
    }
    this.playing = true
    await this.#start()
    this.#tick()
  }

  pause(): void {
    const position = this.#engine.position()
    this.#engine.stop()
    this.playing = false
    cancelAnimationFrame(this.#raf)
    if (position !== null) this.playhead = Math.round(position)
  }

  async #start(): Promise<void> {
    const tracks = this.content.planTracks
    this.#playedClips = JSON.stringify(tracks.map((track) => track.clips))
    const assets = tracks.flatMap((track) => track.clips.map((clip) => clip.assetId))
    this.preparing = !this.#engine.ready(assets)
    await this.#engine.play({
      tracks,
      sampleRate: this.content.rate,
      from: this.playhead,
      loop: this.loopOn ? this.loop : null,
    })
    this.preparing = false
  }

  #tick = (): void => {
    if (!this.playing) return
    const position = this.#engine.position()
    if (position !== null) this.playhead = Math.round(position)
    if (this.#engine.finished()) {
      this.pause()
      return
    }
    this.view.follow(this.playhead)
    this.#raf = requestAnimationFrame(this.#tick)
  }

  /** Called when the project changes: track changes apply live, clip changes reschedule. */
  refreshPlayback(tracks: readonly PlanTrack[]): void {
    this.#engine.updateTracks(tracks)
    // Decoded ahead, so that Space starts sound at once instead of after a fetch and a decode.
    for (const track of tracks) for (const clip of track.clips) void this.#engine.load(clip.assetId)
    if (!this.playing) return
    const clips = JSON.stringify(tracks.map((track) => track.clips))
    if (clips !== this.#playedClips) void this.#start()
  }

  /** Metronome on or off; it needs a tempo (the header's Tempo field). */
  toggleMetronome(): void {
    if (!this.metronome && !this.content.tempo) {
      this.notices.info('Set a tempo (next to the project name) to use the metronome.')
      return
    }
    this.metronome = !this.metronome
    this.applyMetronome()
  }

  /** Gives the engine the metronome's state and the tempo (also after a tempo change). */
  applyMetronome(): void {
    const tempo = this.content.tempo
    this.#engine.setMetronome(
      this.metronome && tempo ? { bpm: tempo.bpm, beatsPerBar: tempo.timeSignature[0] } : null,
    )
  }

  setLoop(a: number, b: number, noSnap = false): void {
    let start = Math.max(0, Math.min(a, b))
    let end = Math.max(a, b)
    const options = this.snapping.options(toSet([]), this.loopMarks(), noSnap)
    if (options) {
      start = snapTime(start, options).samples
      end = snapTime(end, options).samples
    }
    if (end - start < 1) return
    this.loop = { start, end }
    this.loopOn = true
    if (this.playing) void this.#start()
  }

  /** L: turns the loop off, or on over the selection (or the last region, or 4 bars / 8 s). */
  toggleLoop(): void {
    if (this.loopOn) {
      this.loopOn = false
    } else {
      const selected = this.selection.clips()
      if (selected.length > 0) {
        this.loop = {
          start: Math.min(...selected.map((clip) => clip.start)),
          end: Math.max(...selected.map((clip) => clip.start + clip.length)),
        }
      } else if (!this.loop) {
        const tempo = this.content.tempo
        const rate = this.content.rate
        const span = tempo
          ? Math.round(beatSamples(tempo.bpm, rate) * tempo.timeSignature[0] * 4)
          : 8 * rate
        this.loop = { start: this.playhead, end: this.playhead + span }
      }
      this.loopOn = true
    }
    if (this.playing) void this.#start()
  }

  dispose(): void {
    cancelAnimationFrame(this.#raf)
    void this.#engine.dispose()
  }
}
