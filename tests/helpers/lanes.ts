import type { LaneColors } from '../../src/renderer/src/timeline/waveform'

/** Lane colours as packed pixels, each telling apart which part of a lane was drawn. */
export const TEST_LANE_COLORS: LaneColors['packed'] = {
  wave: 0xff0000ff,
  grid: 0x11000000,
  gridMajor: 0x22000000,
  clip: 0x2400ff00,
  clipBorder: 0x7300ff00,
  selected: 0x4200ff00,
  selectedBorder: 0xff00ff00,
}

/** Mono peaks of `count` pairs at 256 frames a peak, every pair `low`..`high` (a square wave). */
export function squarePeaks(count: number, low: number, high: number) {
  return {
    framesPerPeak: 256,
    count,
    channels: 1,
    pairs: [Float32Array.from({ length: 2 * count }, (_, i) => (i % 2 === 0 ? low : high))],
  }
}
