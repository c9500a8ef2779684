// Web Audio playback of the timeline: one AudioBufferSourceNode per clip, started at exact
// audio-clock times; clip gain and fades on a gain node per source; a gain node per track for
// its gain, mute and solo; a loop is played pass after pass, each scheduled ahead of time.
import { Metronome, type MetronomeTempo } from './metronome'
import {
  dbToGain,
  fadeCurve,
  planPlayback,
  positionAt,
  projectEnd,
  trackGains,
  type LoopSegment,
  type PlanTrack,
} from './scheduler'

export interface LoopRegion {
  start: number
  end: number
}

export interface PlaybackRequest {
  tracks: readonly PlanTrack[]
  sampleRate: number
  from: number
  loop: LoopRegion | null
}

/** Seconds between the call and the first sound: room to create and start every source. */
const START_LEAD = 0.06
/** A loop's next pass is scheduled when the current one has less than this left (s). */
const LOOP_LOOKAHEAD = 1.5

export class PlaybackEngine {
  #context: AudioContext | null = null
  #master: GainNode | null = null
  readonly #buffers = new Map<string, Promise<AudioBuffer | null>>()
  readonly #decoded = new Map<string, AudioBuffer>()
  readonly #trackNodes = new Map<string, GainNode>()
  #sources: AudioBufferSourceNode[] = []
  #segments: LoopSegment[] = []
  #request: PlaybackRequest | null = null
  #timer: ReturnType<typeof setInterval> | null = null
  #end = 0
  #generation = 0
  #masterGain = 1
  #metronome: Metronome | null = null
  /** The metronome's tempo while it is on, null when off. */
  #click: MetronomeTempo | null = null

  /**
   * `onMaster` is told once the audio graph exists, with the master bus's node (all tracks after
   * the master gain), for the meters.
   */
  constructor(
    private readonly urlFor: (assetId: string) => Promise<string>,
    private readonly onMaster?: (context: AudioContext, master: AudioNode) => void,
  ) {}

  /** The master bus's gain (dB), applied at once, also while playing. */
  setMasterGain(db: number): void {
    this.#masterGain = dbToGain(db)
    const context = this.#context
    if (context && this.#master) {
      this.#master.gain.setTargetAtTime(this.#masterGain, context.currentTime, 0.01)
    }
  }

  get playing(): boolean {
    return this.#request !== null
  }

  /** True when every asset is decoded: play then starts without waiting. */
  ready(assetIds: Iterable<string>): boolean {
    for (const assetId of assetIds) if (!this.#decoded.has(assetId)) return false
    return true
  }

  /** Fetches and decodes an asset once; later calls share the result. */
  load(assetId: string): Promise<AudioBuffer | null> {
    let pending = this.#buffers.get(assetId)
    if (!pending) {
      const context = this.#ensureContext()
      pending = this.urlFor(assetId)
        .then((url) => fetch(url))
        .then((response) => {
          if (!response.ok) throw new Error(`media ${response.status}`)
          return response.arrayBuffer()
        })
        .then((bytes) => context.decodeAudioData(bytes))
        .then((buffer) => {
          this.#decoded.set(assetId, buffer)
          return buffer
        })
        .catch(() => {
          this.#buffers.delete(assetId)
          return null
        })
      this.#buffers.set(assetId, pending)
    }
    return pending
  }

  /** Starts (or restarts) playback; resolves once the sources are scheduled. */
  async play(request: PlaybackRequest): Promise<void> {
    const generation = ++this.#generation
    const context = this.#ensureContext()
    if (context.state === 'suspended') await context.resume()
    const assets = new Set<string>()
    for (const track of request.tracks) for (const clip of track.clips) assets.add(clip.assetId)
    await Promise.all([...assets].map((assetId) => this.load(assetId)))
    if (generation !== this.#generation) return
    this.#stopSources()
    this.#request = request
    this.#end = projectEnd(request.tracks)
    this.updateTracks(request.tracks)
    const loop = request.loop
    const from = request.from
    const when = context.currentTime + START_LEAD
    this.#segments = []
    if (loop && loop.end > loop.start && from < loop.end) {
      this.#schedule(from, loop.end, when)
      this.#timer = setInterval(() => this.#extendLoop(), 250)
    } else {
      this.#schedule(from, Math.max(from, this.#end), when)
    }
    this.#startMetronome()
  }

  /** Turns the metronome on (at this tempo) or off (null), also while playing. */
  setMetronome(tempo: MetronomeTempo | null): void {
    this.#click = tempo
    if (this.#request) this.#startMetronome()
  }

  #startMetronome(): void {
    const context = this.#context
    const request = this.#request
    if (!context || !request || !this.#click) {
      this.#metronome?.stop()
      return
    }
    this.#metronome ??= new Metronome(context, () => this.#segments)
    this.#metronome.start(this.#click, request.sampleRate)
  }

  /** Applies track gain, mute and solo at once (also while playing). */
  updateTracks(tracks: readonly PlanTrack[]): void {
    const context = this.#context
    if (!context || !this.#master) return
    for (const [trackId, gain] of trackGains(tracks)) {
      let node = this.#trackNodes.get(trackId)
      if (!node) {
        node = context.createGain()
        node.connect(this.#master)
        this.#trackNodes.set(trackId, node)
      }
      node.gain.setTargetAtTime(gain, context.currentTime, 0.01)
    }
  }

  /** Timeline position (samples) now, or null when stopped. */
  position(): number | null {
    if (!this.#request || !this.#context) return null
    return positionAt(this.#segments, this.#context.currentTime, this.#request.sampleRate)
  }

  /** True when a playback without a loop has passed the end of the last clip. */
  finished(): boolean {
    const request = this.#request
    if (!request || request.loop) return false
    const position = this.position()
    return position !== null && position >= this.#end
  }

  stop(): void {
    this.#generation++
    this.#stopSources()
    this.#request = null
    this.#segments = []
  }

  async dispose(): Promise<void> {
    this.stop()
    const context = this.#context
    this.#context = null
    if (context) await context.close()
  }

  #ensureContext(): AudioContext {
    if (!this.#context) {
      this.#context = new AudioContext({ latencyHint: 'interactive' })
      this.#master = this.#context.createGain()
      this.#master.gain.value = this.#masterGain
      this.#master.connect(this.#context.destination)
      this.onMaster?.(this.#context, this.#master)
    }
    return this.#context
  }

  #schedule(from: number, to: number, when: number): void {
    const context = this.#context
    const request = this.#request
    if (!context || !request) return
    this.#segments.push({ when, from, to })
    const plan = planPlayback({
      tracks: request.tracks,
      sampleRate: request.sampleRate,
      from,
      to,
      when,
      ready: (assetId) => this.#decoded.has(assetId),
    })
    for (const item of plan) {
      const buffer = this.#decoded.get(item.assetId)
      const trackNode = this.#trackNodes.get(item.trackId)
      if (!buffer || !trackNode) continue
      const source = context.createBufferSource()
      source.buffer = buffer
      const gain = context.createGain()
      gain.gain.setValueAtTime(item.gain * item.initialFade, 0)
      for (const fade of item.fades) {
        if (fade.duration <= 0) continue
        gain.gain.setValueCurveAtTime(fadeCurve(fade, item.gain), fade.at, fade.duration)
      }
      source.connect(gain)
      gain.connect(trackNode)
      source.start(item.when, item.offset, item.duration)
      source.onended = () => {
        source.disconnect()
        gain.disconnect()
        this.#sources = this.#sources.filter((other) => other !== source)
      }
      this.#sources.push(source)
    }
  }

  /** Schedules the loop's next pass when the current one is about to end. */
  #extendLoop(): void {
    const context = this.#context
    const request = this.#request
    const loop = request?.loop
    const last = this.#segments[this.#segments.length - 1]
    if (!context || !request || !loop || !last) return
    const lastEnd = last.when + (last.to - last.from) / request.sampleRate
    if (lastEnd - context.currentTime > LOOP_LOOKAHEAD) return
    this.#schedule(loop.start, loop.end, lastEnd)
    // Keep only the segments that can still be current.
    this.#segments = this.#segments.filter(
      (segment, index) =>
        index >= this.#segments.length - 2 ||
        segment.when + (segment.to - segment.from) / request.sampleRate > context.currentTime,
    )
  }

  #stopSources(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
    this.#metronome?.stop()
    for (const source of this.#sources) {
      source.onended = null
      try {
        source.stop()
      } catch {
        // Never started: nothing to stop.
      }
      source.disconnect()
    }
    this.#sources = []
  }
}
