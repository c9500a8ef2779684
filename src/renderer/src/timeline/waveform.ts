// Draws one lane's visible clips (their boxes and waveforms) and grid into viewport-sized pixels:
// only the pixels on screen, from the stored min/max peaks, written straight into memory (no path
// rasterising, no element painted per clip), so a full redraw per frame stays cheap even on a
// software canvas.
import { fadeEnvelope, type ClipTiming } from '../../../shared/timeline'
import type { DecodedPeaks } from '../lib/peaks'

export interface LaneClip extends Pick<
  ClipTiming,
  'start' | 'offset' | 'length' | 'gainDb' | 'fadeIn' | 'fadeOut'
> {
  assetRate: number
  peaks: DecodedPeaks | undefined
  selected: boolean
}

/** A clip's box inside its lane, CSS pixels: inset from the lane's top and bottom, its corners. */
export const CLIP_BOX = { inset: 3, radius: 5 } as const

export interface LaneView {
  scrollSeconds: number
  pixelsPerSecond: number
  sampleRate: number
  /** Device pixels per CSS pixel. */
  ratio: number
  /** Top and bottom insets of the waveform inside the lane, CSS pixels (labels above). */
  top: number
  bottom: number
  /** Vertical waveform zoom: the drawn height is scaled, not the audio (default 1). */
  waveZoom?: number
}

export interface LaneColors {
  /** CSS colours (ruler text and ticks). */
  wave: string
  grid: string
  gridMajor: string
  text: string
  /** The same as packed little-endian RGBA for ImageData, with the clip boxes' fill and border. */
  packed: PackedColors
}

export interface PackedColors {
  wave: number
  grid: number
  gridMajor: number
  clip: number
  clipBorder: number
  selected: number
  selectedBorder: number
}

/** Grid lines (timeline samples) drawn behind the clips. */
export interface GridLine {
  samples: number
  major: boolean
}

/** Packs r, g, b (0–255) and alpha (0–1) as a little-endian RGBA pixel. */
export function packColor(r: number, g: number, b: number, alpha: number): number {
  return ((Math.round(alpha * 255) << 24) | (b << 16) | (g << 8) | r) >>> 0
}

/** `top` drawn over `bottom` (packed colours, straight alpha). */
export function over(top: number, bottom: number): number {
  const ta = (top >>> 24) / 255
  const ba = (bottom >>> 24) / 255
  const alpha = ta + ba * (1 - ta)
  if (alpha <= 0) return 0
  const channel = (shift: number) =>
    Math.round((((top >>> shift) & 255) * ta + ((bottom >>> shift) & 255) * ba * (1 - ta)) / alpha)
  return packColor(channel(0), channel(8), channel(16), alpha)
}

/** The scroll in device pixels, as `drawLane` draws it (whole pixels, so that a shift is exact). */
export function deviceScroll(view: Pick<LaneView, 'scrollSeconds' | 'pixelsPerSecond' | 'ratio'>) {
  return Math.round(view.scrollSeconds * view.pixelsPerSecond * view.ratio)
}

/**
 * Moves what `image` shows `shift` device pixels to the left (right when negative), in memory: a
 * scrolled lane keeps what is still on screen and draws only the strip it uncovered. (A blit of
 * the canvas onto itself would make the next write copy the whole canvas.)
 */
export function shiftLane(image: LanePixels, shift: number): void {
  const { width, height } = image
  if (shift === 0 || Math.abs(shift) >= width) return
  const pixels = new Uint32Array(image.data.buffer, image.data.byteOffset, width * height)
  for (let y = 0, row = 0; y < height; y++, row += width) {
    if (shift > 0) pixels.copyWithin(row, row + shift, row + width)
    else pixels.copyWithin(row - shift, row, row + width + shift)
  }
}

/**
 * Draws the lane into `image`; with `columns`, only the device-pixel columns [from, to) are
 * cleared and drawn (the rest is left as it was: a scroll redraws just the strip it uncovers).
 */
/** The pixels drawn into: an ImageData (a plain object of the same fields in tests). */
export interface LanePixels {
  readonly width: number
  readonly height: number
  readonly data: Uint8ClampedArray
}

export function drawLane(
  image: LanePixels,
  view: LaneView,
  clips: readonly LaneClip[],
  grid: readonly GridLine[],
  colors: PackedColors,
  columns?: { from: number; to: number },
): void {
  const { width, height } = image
  const pixels = new Uint32Array(image.data.buffer, image.data.byteOffset, width * height)
  const left = Math.max(0, columns?.from ?? 0)
  const right = Math.min(width, columns?.to ?? width)
  if (right <= left) return
  if (left === 0 && right === width) pixels.fill(0)
  else
    for (let y = 0, row = 0; y < height; y++, row += width) pixels.fill(0, row + left, row + right)
  const { ratio, sampleRate: rate } = view
  const pps = view.pixelsPerSecond * ratio
  const scrollPx = deviceScroll(view)
  const toX = (samples: number) => (samples / rate) * pps - scrollPx
  for (const line of grid) {
    const x = Math.round(toX(line.samples))
    if (x < left || x >= right) continue
    const color = line.major ? colors.gridMajor : colors.grid
    for (let y = 0, i = x; y < height; y++, i += width) pixels[i] = color
  }
  drawBoxes(pixels, width, height, ratio, toX, clips, grid, colors, left, right)
  const top = view.top * ratio
  const usable = height - top - view.bottom * ratio
  const middle = top + usable / 2
  const half = usable / 2
  // A zoomed waveform is cut at the lane's waveform band (the labels above stay readable).
  const ceiling = Math.max(0, Math.floor(top))
  const floor = Math.min(height, Math.ceil(top + usable))
  const wave = colors.wave
  for (const clip of clips) {
    const data = clip.peaks
    if (!data || data.count === 0) continue
    const x0 = toX(clip.start)
    const x1 = toX(clip.start + clip.length)
    const from = Math.max(left, Math.ceil(x0))
    const to = Math.min(right, Math.ceil(x1))
    if (to <= from) continue
    // The clip's gain and fades shape what is drawn, as they shape what is heard.
    const scale = half * Math.min(4, Math.pow(10, clip.gainDb / 20)) * (view.waveZoom ?? 1)
    const samplesPerPixel = rate / pps
    const fadeInEnd = x0 + clip.fadeIn / samplesPerPixel
    const fadeOutStart = x1 - clip.fadeOut / samplesPerPixel
    const framesPerPixel = clip.assetRate / pps
    const firstFrame = (clip.offset / rate) * clip.assetRate
    const lastFrame = firstFrame + (clip.length / rate) * clip.assetRate
    const fpp = data.framesPerPeak
    const channels = data.pairs
    for (let x = from; x < to; x++) {
      const f0 = Math.max(firstFrame, firstFrame + (x - x0) * framesPerPixel)
      const f1 = Math.min(lastFrame, f0 + framesPerPixel)
      const p0 = Math.floor(f0 / fpp)
      const p1 = Math.min(data.count, Math.max(p0 + 1, Math.ceil(f1 / fpp)))
      let min = 0
      let max = 0
      for (const pairs of channels) {
        for (let p = p0; p < p1; p++) {
          const lo = pairs[p * 2]!
          const hi = pairs[p * 2 + 1]!
          if (lo < min) min = lo
          if (hi > max) max = hi
        }
      }
      const fade =
        x < fadeInEnd || x + 1 > fadeOutStart
          ? fadeEnvelope((x + 0.5 - x0) * samplesPerPixel, clip.length, clip.fadeIn, clip.fadeOut)
          : 1
      const y0 = Math.max(ceiling, Math.floor(middle - Math.min(1, max) * scale * fade))
      const y1 = Math.min(
        floor,
        Math.max(y0 + 1, Math.ceil(middle - Math.max(-1, min) * scale * fade)),
      )
      for (let y = y0, i = y0 * width + x; y < y1; y++, i += width) pixels[i] = wave
    }
  }
}

/**
 * The clips' boxes (fill and a border, 2 px when selected, rounded corners) over the grid, with the
 * grid lines seen through the fill as they were through the clip elements it replaces.
 */
function drawBoxes(
  pixels: Uint32Array,
  width: number,
  height: number,
  ratio: number,
  toX: (samples: number) => number,
  clips: readonly LaneClip[],
  grid: readonly GridLine[],
  colors: PackedColors,
  left: number,
  right: number,
): void {
  const y0 = Math.round(CLIP_BOX.inset * ratio)
  const y1 = height - Math.round(CLIP_BOX.inset * ratio)
  if (y1 - y0 < 2) return
  const radius = CLIP_BOX.radius * ratio
  // How far in each of the top (and bottom) rows starts: the rounded corner.
  const corner: number[] = []
  for (let row = 0; row < Math.ceil(radius); row++) {
    const dy = radius - row - 0.5
    corner.push(Math.round(radius - Math.sqrt(Math.max(0, radius * radius - dy * dy))))
  }
  const gridXs = grid
    .map((line) => ({ x: Math.round(toX(line.samples)), major: line.major }))
    .filter((line) => line.x >= left && line.x < right)
  for (const clip of clips) {
    const x0 = Math.round(toX(clip.start))
    const x1 = Math.max(x0 + 2, Math.round(toX(clip.start + clip.length)))
    if (x1 <= left || x0 >= right) continue
    const fill = clip.selected ? colors.selected : colors.clip
    const border = clip.selected ? colors.selectedBorder : colors.clipBorder
    const thick = clip.selected ? Math.round(2 * ratio) : Math.max(1, Math.round(ratio))
    const onGrid = over(fill, colors.grid)
    const onGridMajor = over(fill, colors.gridMajor)
    // The grid lines inside this clip (checked once, not row by row).
    const lines = gridXs.filter((line) => line.x >= x0 + thick && line.x < x1 - thick)
    for (let y = y0; y < y1; y++) {
      const row = Math.min(y - y0, y1 - 1 - y)
      const inset = Math.min(row < corner.length ? corner[row]! : 0, (x1 - x0) >> 1)
      const a = x0 + inset
      const b = x1 - inset
      const base = y * width
      if (row < thick) {
        fillSpan(pixels, base, a, b, left, right, border)
        continue
      }
      // The row filled, then its border pixels and the grid seen through the fill.
      fillSpan(pixels, base, a, b, left, right, fill)
      for (let t = 0; t < thick; t++) {
        if (a + t >= left && a + t < right) pixels[base + a + t] = border
        if (b - 1 - t >= left && b - 1 - t < right) pixels[base + b - 1 - t] = border
      }
      for (const line of lines) {
        if (line.x >= a + thick && line.x < b - thick) {
          pixels[base + line.x] = line.major ? onGridMajor : onGrid
        }
      }
    }
  }
}

/** Fills pixels [from, to) of the row at `base`, kept inside the columns [left, right). */
function fillSpan(
  pixels: Uint32Array,
  base: number,
  from: number,
  to: number,
  left: number,
  right: number,
  color: number,
): void {
  const a = Math.max(from, left)
  const b = Math.min(to, right)
  if (b > a) pixels.fill(color, base + a, base + b)
}
