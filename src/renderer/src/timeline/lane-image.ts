// One lane's clips, waveforms and grid as pixels in memory, kept between frames: a frame that only
// scrolled sideways shifts them and draws the uncovered strip; the timeline's one lanes canvas
// copies each visible lane's rows in (`placeRows`) and is written once per frame.
import type { Clip } from '../../../shared/domain'
import {
  deviceScroll,
  drawLane,
  shiftLane,
  type GridLine,
  type LaneClip,
  type LaneColors,
  type LanePixels,
  type LaneView,
} from './waveform'

/** What a lane is drawn from; `clips` are the lane's clips as shown (the identity says "same"). */
export interface LaneInput {
  view: LaneView
  clips: readonly Clip[]
  /** The clips on screen with their peaks (those without peaks yet are drawn later). */
  drawn: readonly LaneClip[]
  grid: readonly GridLine[]
  /** Changes whenever the grid's lines do (tempo, zoom). */
  gridKey: string
  /** The lane's selected clips (any text that changes when they do). */
  selected: string
  colors: LaneColors['packed']
  /** Changes when peaks arrived for one of the lane's clips (see `PeaksCache.arrival`). */
  peaksVersion: number
  width: number
  height: number
}

export class LaneImage {
  #pixels: LanePixels | null = null
  #painted: (LaneInput & { scroll: number }) | null = null

  /** The lane's pixels as of the last `paint`. */
  get pixels(): LanePixels | null {
    return this.#pixels
  }

  /** Brings the pixels up to date with `input`, redrawing only what changed. */
  paint(input: LaneInput): LanePixels {
    const { width, height } = input
    let pixels = this.#pixels
    if (pixels?.width !== width || pixels.height !== height) {
      pixels = { width, height, data: new Uint8ClampedArray(width * height * 4) }
      this.#pixels = pixels
      this.#painted = null
    }
    const scroll = deviceScroll(input.view)
    const before = this.#painted
    const shift = before ? scroll - before.scroll : 0
    const onlyScrolled =
      before !== null &&
      Math.abs(shift) < width &&
      before.view.pixelsPerSecond === input.view.pixelsPerSecond &&
      before.view.waveZoom === input.view.waveZoom &&
      before.view.ratio === input.view.ratio &&
      before.gridKey === input.gridKey &&
      before.selected === input.selected &&
      before.colors === input.colors &&
      before.peaksVersion === input.peaksVersion &&
      sameClips(before.clips, input.clips)
    if (onlyScrolled) {
      if (shift !== 0) {
        // Keep what is still on screen, draw only the strip the scroll uncovered.
        shiftLane(pixels, shift)
        const columns = shift > 0 ? { from: width - shift, to: width } : { from: 0, to: -shift }
        drawLane(pixels, input.view, input.drawn, input.grid, input.colors, columns)
      }
    } else {
      drawLane(pixels, input.view, input.drawn, input.grid, input.colors)
    }
    this.#painted = { ...input, scroll }
    return pixels
  }
}

/** The lanes' images by track, frame after frame: a lane that leaves the view lets go of its own. */
export class LaneImages {
  #shown = new Map<string, LaneImage>()
  #next = new Map<string, LaneImage>()

  /** The image of the lane of `trackId` (kept from the last frame if it was shown there). */
  take(trackId: string): LaneImage {
    const lane = this.#next.get(trackId) ?? this.#shown.get(trackId) ?? new LaneImage()
    this.#next.set(trackId, lane)
    return lane
  }

  /** Ends a frame: the lanes not taken during it are dropped. */
  endFrame(): void {
    this.#shown = this.#next
    this.#next = new Map()
  }
}

/** The same clips, field for field: a reload of the project brings equal clips as new objects. */
function sameClips(a: readonly Clip[], b: readonly Clip[]): boolean {
  return a.length === b.length && a.every((clip, i) => sameClip(clip, b[i]!))
}

function sameClip(a: Clip, b: Clip): boolean {
  if (a === b) return true
  const keys = Object.keys(a) as (keyof Clip)[]
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key])
}

/**
 * Copies the rows of `lane` into `target` (as wide) with the lane's first row at `top` (device
 * rows, may be above or below the target: only the overlap is copied). Rows are contiguous in
 * memory, so a lane is one copy.
 */
export function placeRows(target: LanePixels, lane: LanePixels, top: number): void {
  if (lane.width !== target.width) return
  const from = Math.max(0, -top)
  const to = Math.min(lane.height, target.height - top)
  if (to <= from) return
  const rowBytes = lane.width * 4
  target.data.set(lane.data.subarray(from * rowBytes, to * rowBytes), (top + from) * rowBytes)
}

/** Clears device rows [from, to) of `target` (what no lane covers). */
export function clearRows(target: LanePixels, from: number, to: number): void {
  const rowBytes = target.width * 4
  const start = Math.max(0, from)
  const end = Math.min(target.height, to)
  if (end > start) target.data.fill(0, start * rowBytes, end * rowBytes)
}
