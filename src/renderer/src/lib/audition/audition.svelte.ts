// Auditioning takes and files before they land on the timeline, through howler (the timeline keeps
// its own Web Audio scheduler). One sound at a time, or two in step for an A/B compare: both play,
// one is heard, and switching crossfades so the ear compares the same bar of each.
import { Howl } from 'howler'
import { clampLoop, sharedLoop, STREAM_AFTER_SECONDS, wrapInLoop, type LoopRegion } from './loop'

export interface Sound {
  /** What it is: a take's id, an import's id. */
  key: string
  url: string
  /** howler's format name (the URL carries no extension). */
  format: string
  /** Length when known before loading: long sounds stream instead of being decoded whole. */
  seconds?: number
  /** Always stream (a dropped file's blob: URL, which the page may play but not fetch). */
  stream?: boolean
}

/** Short enough to hide the click of a hard switch, short enough to compare the same beat. */
export const SWITCH_FADE_MS = 40

interface Voice {
  sound: Sound
  howl: Howl
  id: number | undefined
}

export class Audition {
  /** The sound heard now (in a compare: the side heard). */
  playing = $state<string | null>(null)
  /** The two sounds of an A/B compare, A first. */
  compare = $state<[string, string] | null>(null)
  /** Seconds into the sound heard. */
  position = $state(0)
  duration = $state(0)
  loop = $state<LoopRegion | null>(null)
  /** Loading before the first sound: the button says so instead of seeming dead. */
  loading = $state(false)
  error = $state<string | null>(null)

  #voices: Voice[] = []
  #heard = $state(0)
  #frame = 0

  /** Plays one sound from `from` seconds (stopping whatever played). */
  play(sound: Sound, from = 0): void {
    this.stop()
    this.#begin([sound], from)
  }

  /** Plays A and B in step, A heard; `switchSide` crossfades to the other. */
  startCompare(a: Sound, b: Sound): void {
    this.stop()
    this.compare = [a.key, b.key]
    this.#begin([a, b], 0)
  }

  switchSide(): void {
    if (this.#voices.length !== 2) return
    const from = this.#voices[this.#heard]!
    const to = this.#voices[1 - this.#heard]!
    from.howl.fade(1, 0, SWITCH_FADE_MS, from.id)
    to.howl.fade(0, 1, SWITCH_FADE_MS, to.id)
    this.#heard = 1 - this.#heard
    this.playing = to.sound.key
  }

  /** Which side of the compare is heard. */
  get side(): 'A' | 'B' | null {
    return this.compare ? (this.#heard === 0 ? 'A' : 'B') : null
  }

  seek(seconds: number): void {
    const at = Math.max(0, Math.min(seconds, this.duration))
    for (const voice of this.#voices) voice.howl.seek(at, voice.id)
    this.position = at
  }

  /** Loops a region of what plays (null: play to the end). */
  setLoop(region: LoopRegion | null): void {
    this.loop = region && clampLoop(region, this.duration)
    if (this.loop && (this.position < this.loop.start || this.position >= this.loop.end)) {
      this.seek(this.loop.start)
    }
  }

  stop(): void {
    cancelAnimationFrame(this.#frame)
    for (const voice of this.#voices) voice.howl.unload()
    this.#voices = []
    this.#heard = 0
    this.playing = null
    this.compare = null
    this.position = 0
    this.duration = 0
    this.loop = null
    this.loading = false
  }

  #begin(sounds: Sound[], from: number): void {
    this.error = null
    this.loading = true
    this.playing = sounds[0]!.key
    let loaded = 0
    const voices = sounds.map((sound, index): Voice => {
      const voice: Voice = {
        sound,
        id: undefined,
        howl: new Howl({
          src: [sound.url],
          format: [sound.format],
          html5: sound.stream === true || (sound.seconds ?? 0) > STREAM_AFTER_SECONDS,
          volume: index === 0 ? 1 : 0,
          onload: () => {
            if (++loaded === sounds.length && this.#voices === voices) this.#startAll(from)
          },
          onloaderror: (_id, error) => this.#fail(voices, `could not load ${sound.key}`, error),
          onplayerror: (_id, error) => this.#fail(voices, `could not play ${sound.key}`, error),
          onend: () => {
            if (this.#voices === voices && !this.loop && index === this.#heard) this.stop()
          },
        }),
      }
      return voice
    })
    this.#voices = voices
  }

  #startAll(from: number): void {
    const durations = this.#voices.map((voice) => voice.howl.duration())
    this.duration = Math.min(...durations)
    if (this.#voices.length === 2) this.loop = sharedLoop(durations[0]!, durations[1]!, null)
    for (const voice of this.#voices) {
      voice.id = voice.howl.play()
      voice.howl.seek(from, voice.id)
    }
    this.position = from
    this.loading = false
    this.#tick()
  }

  #tick = (): void => {
    const heard = this.#voices[this.#heard]
    if (!heard) return
    const position = heard.howl.seek(heard.id)
    const wrapped = wrapInLoop(position, this.loop)
    if (wrapped !== null) this.seek(wrapped)
    else this.position = position
    this.#frame = requestAnimationFrame(this.#tick)
  }

  #fail(voices: Voice[], message: string, error: unknown): void {
    if (this.#voices !== voices) return
    this.stop()
    this.error = `${message} (${String(error)})`
  }
}
