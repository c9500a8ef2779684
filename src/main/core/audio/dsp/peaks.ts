import type { PcmAudio } from './pcm'

/**
 * Multi-resolution min/max peaks per channel, for drawing waveforms.
 *
 * A level with `framesPerPeak` = F holds, for each channel, ceil(frames / F) pairs: peak i covers
 * frames [i·F, (i+1)·F) (the last one may be partial). Computed incrementally with PeaksBuilder in
 * the same pass as decoding.
 *
 * Binary layout (serializePeaks), all little-endian:
 *   0   'MSPK'                   magic
 *   4   u16  version (1)
 *   6   u16  channels
 *   8   u32  frames, low 32 bits
 *   12  u32  frames, high bits
 *   16  u16  level count L
 *   18  u16  0 (reserved)
 *   20  L × { u32 framesPerPeak, u32 count }
 *   then for each level, for each channel: count × { i16 min, i16 max }
 * Values are scaled by 32767 and clamped to ±32767, min rounded down and max rounded up so that the
 * stored envelope always contains the true one.
 */
export interface PeakLevel {
  framesPerPeak: number
  count: number
  /** Per channel, `count` minima. */
  min: Float32Array[]
  /** Per channel, `count` maxima. */
  max: Float32Array[]
}

export interface Peaks {
  channels: number
  frames: number
  /** Ordered by framesPerPeak, finest first. */
  levels: PeakLevel[]
}

export const DEFAULT_PEAK_RESOLUTIONS: readonly number[] = [256, 4096]

const MAGIC = 0x4b50534d // 'MSPK' read as little-endian u32
const VERSION = 1
const SCALE = 32767

/** The growing per-channel min/max arrays of one level, as peaks complete. */
export class PeakArrays {
  min: Float32Array[] = []
  max: Float32Array[] = []
  count = 0

  constructor(
    private readonly channels: number,
    capacity: number,
  ) {
    for (let c = 0; c < channels; c++) {
      this.min.push(new Float32Array(capacity))
      this.max.push(new Float32Array(capacity))
    }
  }

  /** Makes room for `extra` more peaks. */
  reserve(extra: number): void {
    const need = this.count + extra
    const cap = this.min[0]?.length ?? 0
    if (need <= cap) return
    const next = Math.max(need, cap * 2, 64)
    for (let c = 0; c < this.channels; c++) {
      const mn = new Float32Array(next)
      mn.set(this.min[c]!.subarray(0, this.count))
      this.min[c] = mn
      const mx = new Float32Array(next)
      mx.set(this.max[c]!.subarray(0, this.count))
      this.max[c] = mx
    }
  }

  level(framesPerPeak: number): PeakLevel {
    return {
      framesPerPeak,
      count: this.count,
      min: this.min.map((a) => a.slice(0, this.count)),
      max: this.max.map((a) => a.slice(0, this.count)),
    }
  }
}

/**
 * One level's peaks as frames arrive. `startFill` frames of the first peak came before the first
 * frame pushed (a segment that starts inside a peak, see segment-peaks.ts).
 */
export class LevelAccumulator {
  readonly peaks: PeakArrays
  private fill: number
  private curMin: Float64Array
  private curMax: Float64Array

  constructor(
    readonly framesPerPeak: number,
    private readonly channels: number,
    capacity: number,
    startFill = 0,
  ) {
    this.fill = startFill
    this.peaks = new PeakArrays(channels, capacity)
    this.curMin = new Float64Array(channels).fill(Infinity)
    this.curMax = new Float64Array(channels).fill(-Infinity)
  }

  push(chunk: Float32Array[], frames: number): void {
    const fpp = this.framesPerPeak
    const peaks = this.peaks
    peaks.reserve(Math.ceil((this.fill + frames) / fpp))
    let fillAfter = this.fill
    let countAfter = peaks.count
    for (let c = 0; c < this.channels; c++) {
      const src = chunk[c]!
      const outMin = peaks.min[c]!
      const outMax = peaks.max[c]!
      let mn = this.curMin[c]!
      let mx = this.curMax[c]!
      let fill = this.fill
      let count = peaks.count
      let i = 0
      while (i < frames) {
        const end = Math.min(frames, i + fpp - fill)
        for (let j = i; j < end; j++) {
          const v = src[j]!
          if (v < mn) mn = v
          if (v > mx) mx = v
        }
        fill += end - i
        i = end
        if (fill === fpp) {
          outMin[count] = mn
          outMax[count] = mx
          count++
          fill = 0
          mn = Infinity
          mx = -Infinity
        }
      }
      this.curMin[c] = mn
      this.curMax[c] = mx
      fillAfter = fill
      countAfter = count
    }
    this.fill = fillAfter
    peaks.count = countAfter
  }

  /**
   * The level, its last peak partial when the frames stop inside one. `open`: that peak keeps
   * ±Infinity where it saw no number (a segment's, to be joined with the next one's first);
   * otherwise a partial bucket of NaNs only shows silence.
   */
  finish(open = false): PeakLevel {
    const peaks = this.peaks
    if (this.fill > 0) {
      peaks.reserve(1)
      for (let c = 0; c < this.channels; c++) {
        const mn = this.curMin[c]!
        const mx = this.curMax[c]!
        peaks.min[c]![peaks.count] = mn === Infinity && !open ? 0 : mn
        peaks.max[c]![peaks.count] = mx === -Infinity && !open ? 0 : mx
      }
      peaks.count++
      this.fill = 0
    }
    return peaks.level(this.framesPerPeak)
  }
}

/** Merges a finer level into a coarser one (framesPerPeak a multiple of the finer one's). */
function mergeLevel(source: PeakLevel, framesPerPeak: number, frames: number): PeakLevel {
  const count = Math.ceil(frames / framesPerPeak)
  const min: Float32Array[] = []
  const max: Float32Array[] = []
  const sf = source.framesPerPeak
  for (let c = 0; c < source.min.length; c++) {
    const smin = source.min[c]!
    const smax = source.max[c]!
    const omin = new Float32Array(count)
    const omax = new Float32Array(count)
    for (let i = 0; i < count; i++) {
      const from = Math.floor((i * framesPerPeak) / sf)
      const to = Math.min(source.count, Math.ceil(Math.min((i + 1) * framesPerPeak, frames) / sf))
      let mn = Infinity
      let mx = -Infinity
      for (let j = from; j < to; j++) {
        if (smin[j]! < mn) mn = smin[j]!
        if (smax[j]! > mx) mx = smax[j]!
      }
      omin[i] = mn === Infinity ? 0 : mn
      omax[i] = mx === -Infinity ? 0 : mx
    }
    min.push(omin)
    max.push(omax)
  }
  return { framesPerPeak, count, min, max }
}

/**
 * Which levels a set of resolutions needs computed from the samples (`direct`), and which are
 * derived at the end from the finest one (`derived`: multiples of it). Throws RangeError on an
 * empty set or a resolution that is not a positive integer.
 */
export function planPeakLevels(resolutions: readonly number[]): {
  direct: number[]
  derived: number[]
} {
  const sorted = [...new Set(resolutions)].sort((a, b) => a - b)
  if (sorted.length === 0) throw new RangeError('at least one peak resolution is needed')
  for (const r of sorted) {
    if (!Number.isInteger(r) || r < 1) throw new RangeError(`invalid peak resolution: ${r}`)
  }
  const finest = sorted[0]!
  const direct: number[] = []
  const derived: number[] = []
  for (const r of sorted) {
    if (r !== finest && r % finest === 0) derived.push(r)
    else direct.push(r)
  }
  return { direct, derived }
}

/** Completes the direct levels (finest first) with the derived ones, ordered finest first. */
export function assemblePeaks(
  channels: number,
  frames: number,
  direct: PeakLevel[],
  derived: readonly number[],
): Peaks {
  const levels = [...direct]
  const finest = direct[0]!
  for (const r of derived) levels.push(mergeLevel(finest, r, frames))
  levels.sort((a, b) => a.framesPerPeak - b.framesPerPeak)
  return { channels, frames, levels }
}

/**
 * Computes peaks incrementally: push planar chunks (all channels the same length), then finish().
 * Levels whose resolution is a multiple of the finest one are derived from it at the end.
 */
export class PeaksBuilder {
  private readonly direct: LevelAccumulator[] = []
  private readonly derived: number[]
  private frames = 0

  constructor(
    private readonly channelCount: number,
    resolutions: readonly number[] = DEFAULT_PEAK_RESOLUTIONS,
    /** When known, the total frame count, so the arrays are allocated once. */
    expectedFrames = 0,
  ) {
    const plan = planPeakLevels(resolutions)
    this.derived = plan.derived
    for (const r of plan.direct) {
      this.direct.push(new LevelAccumulator(r, channelCount, Math.ceil(expectedFrames / r)))
    }
  }

  push(channels: Float32Array[]): void {
    if (channels.length !== this.channelCount) {
      throw new RangeError(`expected ${this.channelCount} channels, got ${channels.length}`)
    }
    const frames = channels[0]?.length ?? 0
    if (frames === 0) return
    for (const level of this.direct) level.push(channels, frames)
    this.frames += frames
  }

  finish(): Peaks {
    const levels = this.direct.map((l) => l.finish())
    return assemblePeaks(this.channelCount, this.frames, levels, this.derived)
  }
}

/** Peaks of a whole PcmAudio. */
export function computePeaks(audio: PcmAudio, resolutions = DEFAULT_PEAK_RESOLUTIONS): Peaks {
  const builder = new PeaksBuilder(audio.channels.length, resolutions)
  builder.push(audio.channels)
  return builder.finish()
}

/**
 * The level for a resolution: the stored one when it exists, otherwise derived from the
 * coarsest stored level that is finer than asked (each derived peak covers at least its frames).
 * Throws RangeError when asked for a resolution finer than the finest stored one.
 */
export function peaksAt(peaks: Peaks, framesPerPeak: number): PeakLevel {
  if (!Number.isInteger(framesPerPeak) || framesPerPeak < 1) {
    throw new RangeError(`invalid peak resolution: ${framesPerPeak}`)
  }
  let source: PeakLevel | undefined
  for (const level of peaks.levels) {
    if (level.framesPerPeak === framesPerPeak) return level
    if (level.framesPerPeak < framesPerPeak) source = level
  }
  if (source === undefined) {
    const finest = peaks.levels[0]?.framesPerPeak
    throw new RangeError(`no peaks finer than ${finest} frames per peak (asked ${framesPerPeak})`)
  }
  return mergeLevel(source, framesPerPeak, peaks.frames)
}

/** Serializes peaks to the compact binary layout described above. */
export function serializePeaks(peaks: Peaks): Uint8Array {
  const headerSize = 20 + 8 * peaks.levels.length
  let size = headerSize
  for (const level of peaks.levels) size += level.count * 4 * peaks.channels
  const out = new Uint8Array(size)
  const view = new DataView(out.buffer)
  view.setUint32(0, MAGIC, true)
  view.setUint16(4, VERSION, true)
  view.setUint16(6, peaks.channels, true)
  view.setUint32(8, peaks.frames % 0x100000000, true)
  view.setUint32(12, Math.floor(peaks.frames / 0x100000000), true)
  view.setUint16(16, peaks.levels.length, true)
  let pos = 20
  for (const level of peaks.levels) {
    view.setUint32(pos, level.framesPerPeak, true)
    view.setUint32(pos + 4, level.count, true)
    pos += 8
  }
  for (const level of peaks.levels) {
    for (let c = 0; c < peaks.channels; c++) {
      const mn = level.min[c]!
      const mx = level.max[c]!
      for (let i = 0; i < level.count; i++, pos += 4) {
        const lo = Math.floor(mn[i]! * SCALE)
        const hi = Math.ceil(mx[i]! * SCALE)
        view.setInt16(pos, lo < -SCALE ? -SCALE : lo > SCALE ? SCALE : lo || 0, true)
        view.setInt16(pos + 2, hi < -SCALE ? -SCALE : hi > SCALE ? SCALE : hi || 0, true)
      }
    }
  }
  return out
}

/** Reads peaks written by serializePeaks. Throws RangeError on a malformed blob. */
export function deserializePeaks(bytes: Uint8Array): Peaks {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes.length < 20 || view.getUint32(0, true) !== MAGIC)
    throw new RangeError('not a peaks blob')
  if (view.getUint16(4, true) !== VERSION) throw new RangeError('unknown peaks blob version')
  const channels = view.getUint16(6, true)
  const frames = view.getUint32(8, true) + view.getUint32(12, true) * 0x100000000
  const levelCount = view.getUint16(16, true)
  let pos = 20
  const shapes: { framesPerPeak: number; count: number }[] = []
  let expected = 20 + 8 * levelCount
  if (bytes.length < expected) throw new RangeError('truncated peaks blob')
  for (let l = 0; l < levelCount; l++, pos += 8) {
    const shape = { framesPerPeak: view.getUint32(pos, true), count: view.getUint32(pos + 4, true) }
    shapes.push(shape)
    expected += shape.count * 4 * channels
  }
  if (bytes.length < expected) throw new RangeError('truncated peaks blob')
  const levels: PeakLevel[] = []
  for (const { framesPerPeak, count } of shapes) {
    const min: Float32Array[] = []
    const max: Float32Array[] = []
    for (let c = 0; c < channels; c++) {
      const mn = new Float32Array(count)
      const mx = new Float32Array(count)
      for (let i = 0; i < count; i++, pos += 4) {
        mn[i] = view.getInt16(pos, true) / SCALE
        mx[i] = view.getInt16(pos + 2, true) / SCALE
      }
      min.push(mn)
      max.push(mx)
    }
    levels.push({ framesPerPeak, count, min, max })
  }
  return { channels, frames, levels }
}
