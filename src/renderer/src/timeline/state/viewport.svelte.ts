import type { TimelineContent } from './content.svelte'

/** The zoom (pixels per second) lives with the page that mounts the timeline. */
export interface ZoomBinding {
  get(): number
  set(pixelsPerSecond: number): void
}

export const MIN_WAVE_ZOOM = 1
export const MAX_WAVE_ZOOM = 16
/** Pixels per second at most zoomed out: 0.1 shows two hours in 720 pixels (an hour-long recording fits). */
export const MIN_PPS = 0.1
export const MAX_PPS = 1000

/** What the timeline's window shows: the zoom, the horizontal scroll and the waveforms' height. */
export class Viewport {
  scrollSeconds = $state(0)
  /** Width of the lanes' visible area, CSS pixels. */
  viewWidth = $state(0)
  /** Vertical waveform zoom: how much taller waveforms are drawn (the audio is unchanged). */
  waveZoom = $state(1)

  constructor(
    private readonly content: TimelineContent,
    private readonly zoom: ZoomBinding,
  ) {}

  get pps(): number {
    return this.zoom.get()
  }

  set pps(value: number) {
    this.zoom.set(Math.min(MAX_PPS, Math.max(MIN_PPS, value)))
  }

  readonly viewSeconds = $derived(this.viewWidth / this.pps)
  readonly contentSeconds = $derived.by(() =>
    Math.max(this.content.endSamples / this.content.rate + 30, this.viewSeconds, 60),
  )
  readonly maxScroll = $derived(Math.max(0, this.contentSeconds - this.viewSeconds))

  /** The scroll in whole pixels (lanes, canvases and overlays all use the same). */
  get scrollPx(): number {
    return Math.round(this.scrollSeconds * this.pps)
  }

  xOf(samples: number): number {
    return (samples / this.content.rate) * this.pps - this.scrollPx
  }

  samplesAt(x: number): number {
    return Math.max(0, Math.round(((x + this.scrollPx) / this.pps) * this.content.rate))
  }

  scrollTo(seconds: number): void {
    this.scrollSeconds = Math.min(this.maxScroll, Math.max(0, seconds))
  }

  scrollBy(pixels: number): void {
    this.scrollTo(this.scrollSeconds + pixels / this.pps)
  }

  /** Zooms by `factor`, keeping the time under `x` (view pixels) in place. */
  zoomAt(factor: number, x: number): void {
    const time = this.scrollSeconds + x / this.pps
    this.pps = this.pps * factor
    this.scrollSeconds = Math.max(0, time - x / this.pps)
    this.scrollTo(this.scrollSeconds)
  }

  /** Zooms around `samples` (the playhead) when it is on screen, else around the middle. */
  zoomAround(factor: number, samples: number): void {
    const x = this.xOf(samples)
    this.zoomAt(factor, x >= 0 && x <= this.viewWidth ? x : this.viewWidth / 2)
  }

  /** Waveforms drawn `factor` times taller (or shorter), between ×1 and ×16. */
  zoomWaves(factor: number): void {
    this.waveZoom = Math.min(MAX_WAVE_ZOOM, Math.max(MIN_WAVE_ZOOM, this.waveZoom * factor))
  }

  fit(): void {
    const seconds = Math.max(5, this.content.endSamples / this.content.rate)
    this.pps = (Math.max(200, this.viewWidth) - 24) / seconds
    this.scrollSeconds = 0
  }

  /** Pages the view so that `samples` (the playhead) stays on screen. */
  follow(samples: number): void {
    const x = this.xOf(samples)
    if (x < 0 || x > this.viewWidth - 24) {
      this.scrollTo(samples / this.content.rate - this.viewSeconds * 0.1)
    }
  }
}
