// The math of the handles on a clip: its gain (dragged up and down) and its fades (dragged along
// the clip). Pure, so that the drag and the tests share it.
import { MAX_CLIP_GAIN_DB, MIN_CLIP_GAIN_DB } from '../../../shared/timeline'

/** dB per pixel of vertical travel on the gain handle; with Alt, a fifth of it for fine moves. */
export const GAIN_DB_PER_PX = 0.25
const FINE_FACTOR = 0.2

/** The clip gain after a vertical drag of `dy` pixels (down lowers), to 0.1 dB, within bounds. */
export function gainAfterDrag(startDb: number, dy: number, fine: boolean): number {
  const db = startDb - dy * GAIN_DB_PER_PX * (fine ? FINE_FACTOR : 1)
  const bounded = Math.min(MAX_CLIP_GAIN_DB, Math.max(MIN_CLIP_GAIN_DB, db))
  return Math.round(bounded * 10) / 10
}

/** "+1.5 dB", "−3.0 dB", "0.0 dB" (a true minus sign, as a level meter writes it). */
export function formatGain(db: number): string {
  const rounded = Math.round(db * 10) / 10
  if (rounded === 0) return '0.0 dB'
  return `${rounded > 0 ? '+' : '−'}${Math.abs(rounded).toFixed(1)} dB`
}

/**
 * The points (x, y in 0..100, 0 at the top) of a fade's equal-power curve across `widthPx`,
 * starting at `fromPx`: what the SVG over the clip draws, so that the eye sees what is heard.
 */
export function fadeCurvePoints(
  kind: 'in' | 'out',
  fromPx: number,
  widthPx: number,
  steps = 16,
): string {
  const points: string[] = []
  for (let i = 0; i <= steps; i++) {
    const p = i / steps
    const angle = (Math.PI / 2) * p
    const gain = kind === 'in' ? Math.sin(angle) : Math.cos(angle)
    points.push(`${(fromPx + p * widthPx).toFixed(2)},${(100 - gain * 100).toFixed(2)}`)
  }
  return points.join(' ')
}
