import {
  assemblePeaks,
  DEFAULT_PEAK_RESOLUTIONS,
  PeakArrays,
  planPeakLevels,
  type PeakLevel,
  type Peaks,
} from '../../dsp/peaks'
import { bytesPerFrame, bytesPerSample, type SampleLayout } from './sample-format'

/**
 * Peaks straight from interleaved PCM bytes (WAV/AIFF data), without decoding to Float32 first:
 * the import needs the peaks and the frame count, not the samples.
 *
 * The result equals PeaksBuilder's over decodeInterleaved's output, bit for bit: integer samples
 * are compared as integers and scaled once per peak (scaling by a power of two and rounding to
 * float32 are monotonic, so the min of the scaled samples is the scaled min); float samples are
 * compared exactly as PeaksBuilder compares them (NaN never wins, a bucket of NaNs only is ±∞ when
 * full and 0 when it is the partial last one).
 */
export class PcmPeaksBuilder {
  private readonly levels: PcmLevel[] = []
  private readonly derived: number[]
  private readonly blockAlign: number
  private frames = 0

  constructor(
    private readonly layout: SampleLayout,
    resolutions: readonly number[] = DEFAULT_PEAK_RESOLUTIONS,
    /** When known, the total frame count, so the arrays are allocated once. */
    expectedFrames = 0,
  ) {
    const plan = planPeakLevels(resolutions)
    this.derived = plan.derived
    this.blockAlign = bytesPerFrame(layout)
    const capacity = Number.isFinite(expectedFrames) ? expectedFrames : 0
    for (const r of plan.direct) this.levels.push(new PcmLevel(layout, r, capacity))
  }

  /** Adds whole frames: `bytes.length` must be a multiple of the frame size. */
  push(bytes: Uint8Array): void {
    const frames = bytes.length / this.blockAlign
    if (!Number.isInteger(frames)) {
      throw new RangeError(`${bytes.length} bytes are not whole frames of ${this.blockAlign}`)
    }
    if (frames === 0) return
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    for (const level of this.levels) level.push(bytes, view, frames)
    this.frames += frames
  }

  finish(): Peaks {
    const direct = this.levels.map((level) => level.finish())
    return assemblePeaks(this.layout.channels, this.frames, direct, this.derived)
  }
}

/**
 * Min and max of `n` samples of one channel, `stride` bytes apart from byte `p`, folded into
 * `state[at]` (min) and `state[at + 1]` (max). One function per sample format keeps each loop
 * monomorphic; they are called once per peak, so the call itself costs little.
 */
type ChannelScan = (
  bytes: Uint8Array,
  view: DataView,
  p: number,
  stride: number,
  n: number,
  state: Int32Array | Float64Array,
  at: number,
) => void

/**
 * The same for `n` whole frames from byte `p`, every channel at once (state[2c], state[2c + 1]):
 * for the most common layouts, where reading a frame as whole words beats reading samples.
 */
type FrameScan = (
  bytes: Uint8Array,
  view: DataView,
  p: number,
  n: number,
  state: Int32Array,
) => void

/** One level computed from the bytes: the bucket bookkeeping around the per-format scan. */
class PcmLevel {
  private readonly peaks: PeakArrays
  private readonly scanChannel: ChannelScan
  private readonly scanFrames: FrameScan | undefined
  /** Per channel, the min and max of the bucket being filled. */
  private readonly state: Int32Array | Float64Array
  private readonly emptyMin: number
  private readonly emptyMax: number
  /** Factor from a compared value to the decoded float (1 for float samples). */
  private readonly scale: number
  private readonly channels: number
  private readonly bps: number
  private readonly stride: number
  private fill = 0

  constructor(
    layout: SampleLayout,
    private readonly framesPerPeak: number,
    expectedFrames: number,
  ) {
    this.channels = layout.channels
    this.bps = bytesPerSample(layout)
    this.stride = bytesPerFrame(layout)
    this.peaks = new PeakArrays(layout.channels, Math.ceil(expectedFrames / framesPerPeak))
    const format = scanFor(layout)
    this.scanChannel = format.channel
    this.scanFrames = format.frames
    this.scale = format.scale
    if (layout.encoding === 'float') {
      this.state = new Float64Array(2 * layout.channels)
      this.emptyMin = Infinity
      this.emptyMax = -Infinity
    } else {
      this.state = new Int32Array(2 * layout.channels)
      this.emptyMin = INT32_MAX
      this.emptyMax = INT32_MIN
    }
    for (let c = 0; c < layout.channels; c++) this.reset(c)
  }

  push(bytes: Uint8Array, view: DataView, frames: number): void {
    const fpp = this.framesPerPeak
    this.peaks.reserve(Math.ceil((this.fill + frames) / fpp))
    if (this.scanFrames) this.pushFrames(this.scanFrames, bytes, view, frames)
    else for (let c = 0; c < this.channels; c++) this.pushChannel(c, bytes, view, frames)
    const filled = this.fill + frames
    this.peaks.count += Math.floor(filled / fpp)
    this.fill = filled % fpp
  }

  finish(): PeakLevel {
    const { peaks, state, scale } = this
    if (this.fill > 0) {
      peaks.reserve(1)
      for (let c = 0; c < this.channels; c++) {
        const mn = state[2 * c]!
        const mx = state[2 * c + 1]!
        // A partial bucket of NaNs only (float samples): show silence, as PeaksBuilder does.
        peaks.min[c]![peaks.count] = mn === Infinity ? 0 : mn * scale
        peaks.max[c]![peaks.count] = mx === -Infinity ? 0 : mx * scale
      }
      peaks.count++
      this.fill = 0
    }
    return peaks.level(this.framesPerPeak)
  }

  private pushChannel(c: number, bytes: Uint8Array, view: DataView, frames: number): void {
    const { framesPerPeak: fpp, peaks, state, scale, stride, scanChannel } = this
    const outMin = peaks.min[c]!
    const outMax = peaks.max[c]!
    const at = 2 * c
    let p = c * this.bps
    let fill = this.fill
    let count = peaks.count
    for (let left = frames; left > 0;) {
      const n = Math.min(left, fpp - fill)
      scanChannel(bytes, view, p, stride, n, state, at)
      p += n * stride
      left -= n
      fill += n
      if (fill === fpp) {
        outMin[count] = state[at]! * scale
        outMax[count] = state[at + 1]! * scale
        count++
        fill = 0
        this.reset(c)
      }
    }
  }

  private pushFrames(scan: FrameScan, bytes: Uint8Array, view: DataView, frames: number): void {
    const { framesPerPeak: fpp, peaks, scale, stride, channels } = this
    const state = this.state as Int32Array
    let p = 0
    let fill = this.fill
    let count = peaks.count
    for (let left = frames; left > 0;) {
      const n = Math.min(left, fpp - fill)
      scan(bytes, view, p, n, state)
      p += n * stride
      left -= n
      fill += n
      if (fill === fpp) {
        for (let c = 0; c < channels; c++) {
          peaks.min[c]![count] = state[2 * c]! * scale
          peaks.max[c]![count] = state[2 * c + 1]! * scale
          this.reset(c)
        }
        count++
        fill = 0
      }
    }
  }

  private reset(c: number): void {
    this.state[2 * c] = this.emptyMin
    this.state[2 * c + 1] = this.emptyMax
  }
}

// Integer buckets start at the extreme int32 values: any sample replaces or equals them.
const INT32_MAX = 0x7fffffff
const INT32_MIN = -0x80000000

// The scales of sample-format.ts's decodeInterleaved.
const S8 = 1 / 128
const S16 = 1 / 32768
const S24 = 1 / 8388608
const S32 = 1 / 2147483648

interface FormatScan {
  channel: ChannelScan
  frames?: FrameScan
  scale: number
}

function scanFor(layout: SampleLayout): FormatScan {
  const be = layout.bigEndian
  const stereo = layout.channels === 2
  if (layout.encoding === 'uint8') return { channel: scanU8, scale: S8 }
  if (layout.encoding === 'float') {
    if (layout.bitsPerSample === 32) return { channel: be ? scanF32BE : scanF32LE, scale: 1 }
    if (layout.bitsPerSample === 64) return { channel: be ? scanF64BE : scanF64LE, scale: 1 }
  } else {
    switch (layout.bitsPerSample) {
      case 8:
        return { channel: scanS8, scale: S8 }
      case 16:
        if (be) return { channel: scanS16BE, scale: S16 }
        return { channel: scanS16LE, frames: stereo ? scanStereoS16LE : undefined, scale: S16 }
      case 24:
        if (be) return { channel: scanS24BE, scale: S24 }
        return { channel: scanS24LE, frames: stereo ? scanStereoS24LE : undefined, scale: S24 }
      case 32:
        return { channel: be ? scanS32BE : scanS32LE, scale: S32 }
    }
  }
  throw new RangeError(`unsupported ${layout.encoding} sample size: ${layout.bitsPerSample} bits`)
}

// The sample values are decodeInterleaved's, before its scaling.

const scanU8: ChannelScan = (bytes, _view, p, stride, n, state, at) => {
  let mn = state[at]!
  let mx = state[at + 1]!
  for (const stop = p + n * stride; p < stop; p += stride) {
    const v = bytes[p]! - 128
    if (v < mn) mn = v
    if (v > mx) mx = v
  }
  state[at] = mn
  state[at + 1] = mx
}

const scanS8: ChannelScan = (bytes, _view, p, stride, n, state, at) => {
  let mn = state[at]!
  let mx = state[at + 1]!
  for (const stop = p + n * stride; p < stop; p += stride) {
    const v = (bytes[p]! << 24) >> 24
    if (v < mn) mn = v
    if (v > mx) mx = v
  }
  state[at] = mn
  state[at + 1] = mx
}

const scanS16LE: ChannelScan = (_bytes, view, p, stride, n, state, at) => {
  let mn = state[at]!
  let mx = state[at + 1]!
  for (const stop = p + n * stride; p < stop; p += stride) {
    const v = view.getInt16(p, true)
    if (v < mn) mn = v
    if (v > mx) mx = v
  }
  state[at] = mn
  state[at + 1] = mx
}

const scanS16BE: ChannelScan = (_bytes, view, p, stride, n, state, at) => {
  let mn = state[at]!
  let mx = state[at + 1]!
  for (const stop = p + n * stride; p < stop; p += stride) {
    const v = view.getInt16(p, false)
    if (v < mn) mn = v
    if (v > mx) mx = v
  }
  state[at] = mn
  state[at + 1] = mx
}

// 24-bit samples are read as 32-bit words (one load instead of three), except the very last
// sample of the bytes, whose word would run past their end.
const scanS24LE: ChannelScan = (bytes, view, p, stride, n, state, at) => {
  let mn = state[at]!
  let mx = state[at + 1]!
  const stop = p + n * stride
  for (const words = Math.min(stop, bytes.length - 3); p < words; p += stride) {
    const v = (view.getInt32(p, true) << 8) >> 8
    if (v < mn) mn = v
    if (v > mx) mx = v
  }
  for (; p < stop; p += stride) {
    const v = ((bytes[p + 2]! << 24) >> 8) | (bytes[p + 1]! << 8) | bytes[p]!
    if (v < mn) mn = v
    if (v > mx) mx = v
  }
  state[at] = mn
  state[at + 1] = mx
}

const scanS24BE: ChannelScan = (bytes, view, p, stride, n, state, at) => {
  let mn = state[at]!
  let mx = state[at + 1]!
  const stop = p + n * stride
  for (const words = Math.min(stop, bytes.length - 3); p < words; p += stride) {
    const v = view.getInt32(p, false) >> 8
    if (v < mn) mn = v
    if (v > mx) mx = v
  }
  for (; p < stop; p += stride) {
    const v = ((bytes[p]! << 24) >> 8) | (bytes[p + 1]! << 8) | bytes[p + 2]!
    if (v < mn) mn = v
    if (v > mx) mx = v
  }
  state[at] = mn
  state[at + 1] = mx
}

const scanS32LE: ChannelScan = (_bytes, view, p, stride, n, state, at) => {
  let mn = state[at]!
  let mx = state[at + 1]!
  for (const stop = p + n * stride; p < stop; p += stride) {
    const v = view.getInt32(p, true)
    if (v < mn) mn = v
    if (v > mx) mx = v
  }
  state[at] = mn
  state[at + 1] = mx
}

const scanS32BE: ChannelScan = (_bytes, view, p, stride, n, state, at) => {
  let mn = state[at]!
  let mx = state[at + 1]!
  for (const stop = p + n * stride; p < stop; p += stride) {
    const v = view.getInt32(p, false)
    if (v < mn) mn = v
    if (v > mx) mx = v
  }
  state[at] = mn
  state[at + 1] = mx
}

const scanF32LE: ChannelScan = (_bytes, view, p, stride, n, state, at) => {
  let mn = state[at]!
  let mx = state[at + 1]!
  for (const stop = p + n * stride; p < stop; p += stride) {
    const v = view.getFloat32(p, true)
    if (v < mn) mn = v
    if (v > mx) mx = v
  }
  state[at] = mn
  state[at + 1] = mx
}

const scanF32BE: ChannelScan = (_bytes, view, p, stride, n, state, at) => {
  let mn = state[at]!
  let mx = state[at + 1]!
  for (const stop = p + n * stride; p < stop; p += stride) {
    const v = view.getFloat32(p, false)
    if (v < mn) mn = v
    if (v > mx) mx = v
  }
  state[at] = mn
  state[at + 1] = mx
}

// decodeInterleaved stores 64-bit samples into a Float32Array: compare them rounded the same way.
const scanF64LE: ChannelScan = (_bytes, view, p, stride, n, state, at) => {
  let mn = state[at]!
  let mx = state[at + 1]!
  for (const stop = p + n * stride; p < stop; p += stride) {
    const v = Math.fround(view.getFloat64(p, true))
    if (v < mn) mn = v
    if (v > mx) mx = v
  }
  state[at] = mn
  state[at + 1] = mx
}

const scanF64BE: ChannelScan = (_bytes, view, p, stride, n, state, at) => {
  let mn = state[at]!
  let mx = state[at + 1]!
  for (const stop = p + n * stride; p < stop; p += stride) {
    const v = Math.fround(view.getFloat64(p, false))
    if (v < mn) mn = v
    if (v > mx) mx = v
  }
  state[at] = mn
  state[at + 1] = mx
}

/** 16-bit little-endian stereo: one 32-bit word per frame. */
const scanStereoS16LE: FrameScan = (_bytes, view, p, n, state) => {
  let mn0 = state[0]!
  let mx0 = state[1]!
  let mn1 = state[2]!
  let mx1 = state[3]!
  for (const stop = p + n * 4; p < stop; p += 4) {
    const w = view.getInt32(p, true)
    const l = (w << 16) >> 16
    const r = w >> 16
    if (l < mn0) mn0 = l
    if (l > mx0) mx0 = l
    if (r < mn1) mn1 = r
    if (r > mx1) mx1 = r
  }
  state[0] = mn0
  state[1] = mx0
  state[2] = mn1
  state[3] = mx1
}

/** 24-bit little-endian stereo: two frames (12 bytes) as three 32-bit words. */
const scanStereoS24LE: FrameScan = (bytes, view, p, n, state) => {
  let mn0 = state[0]!
  let mx0 = state[1]!
  let mn1 = state[2]!
  let mx1 = state[3]!
  for (const stop = p + (n >> 1) * 12; p < stop; p += 12) {
    const w0 = view.getInt32(p, true)
    const w1 = view.getInt32(p + 4, true)
    const w2 = view.getInt32(p + 8, true)
    const l0 = (w0 << 8) >> 8
    const r0 = ((w1 << 16) >> 8) | (w0 >>> 24)
    const l1 = ((w2 << 24) >> 8) | (w1 >>> 16)
    const r1 = w2 >> 8
    if (l0 < mn0) mn0 = l0
    if (l0 > mx0) mx0 = l0
    if (l1 < mn0) mn0 = l1
    if (l1 > mx0) mx0 = l1
    if (r0 < mn1) mn1 = r0
    if (r0 > mx1) mx1 = r0
    if (r1 < mn1) mn1 = r1
    if (r1 > mx1) mx1 = r1
  }
  if (n & 1) {
    const l = ((bytes[p + 2]! << 24) >> 8) | (bytes[p + 1]! << 8) | bytes[p]!
    const r = ((bytes[p + 5]! << 24) >> 8) | (bytes[p + 4]! << 8) | bytes[p + 3]!
    if (l < mn0) mn0 = l
    if (l > mx0) mx0 = l
    if (r < mn1) mn1 = r
    if (r > mx1) mx1 = r
  }
  state[0] = mn0
  state[1] = mx0
  state[2] = mn1
  state[3] = mx1
}
