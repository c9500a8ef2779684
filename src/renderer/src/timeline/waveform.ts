// Draws one lane's visible waveforms into a viewport-sized canvas: only the pixels on screen, from
// the stored min/max peaks, written straight into an ImageData (no path rasterising), so a full
// redraw per frame stays cheap even on a software canvas.
import type { ClipTiming } from '../../../shared/timeline'
import type { DecodedPeaks } from '../lib/peaks'

export interface LaneClip extends Pick<ClipTiming, 'start' | 'offset' | 'length' | 'gainDb'> {
  assetRate: number
  peaks: DecodedPeaks | undefined
}

export interface LaneView {
  scrollSeconds: number
  pixelsPerSecond: number
  sampleRate: number
  /** Device pixels per CSS pixel. */
  ratio: number
  /** Top and bottom insets of the waveform inside the lane, CSS pixels (labels above). */
  top: number
  bottom: number
}

export interface LaneColors {
  /** CSS colours (ruler text and ticks). */
  wave: string
  grid: string
  gridMajor: string
  text: string
  /** The same as packed little-endian RGBA for ImageData. */
  packed: { wave: number; grid: number; gridMajor: number }
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

export function drawLane(
  image: ImageData,
  view: LaneView,
  clips: readonly LaneClip[],
  grid: readonly GridLine[],
  colors: LaneColors['packed'],
): void {
  const { width, height } = image
  const pixels = new Uint32Array(image.data.buffer, image.data.byteOffset, width * height)
  pixels.fill(0)
  const { ratio, sampleRate: rate } = view
  const pps = view.pixelsPerSecond * ratio
  const scrollPx = Math.round(view.scrollSeconds * pps)
  const toX = (samples: number) => (samples / rate) * pps - scrollPx
  for (const line of grid) {
    const x = Math.round(toX(line.samples))
    if (x < 0 || x >= width) continue
    const color = line.major ? colors.gridMajor : colors.grid
    for (let y = 0, i = x; y < height; y++, i += width) pixels[i] = color
  }
  const top = view.top * ratio
  const usable = height - top - view.bottom * ratio
  const middle = top + usable / 2
  const half = usable / 2
  const wave = colors.wave
  for (const clip of clips) {
    const data = clip.peaks
    if (!data || data.count === 0) continue
    const x0 = toX(clip.start)
    const x1 = toX(clip.start + clip.length)
    const from = Math.max(0, Math.ceil(x0))
    const to = Math.min(width, Math.ceil(x1))
    if (to <= from) continue
    const scale = half * Math.min(4, Math.pow(10, clip.gainDb / 20))
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
      const y0 = Math.max(0, Math.floor(middle - Math.min(1, max) * scale))
      const y1 = Math.min(height, Math.max(y0 + 1, Math.ceil(middle - Math.max(-1, min) * scale)))
      for (let y = y0, i = y0 * width + x; y < y1; y++, i += width) pixels[i] = wave
    }
  }
}
