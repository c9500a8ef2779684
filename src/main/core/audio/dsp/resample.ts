import { framesAtRate, gcd } from '../../../../shared/timeline'
import type { FrameReader, PcmAudio } from './pcm'
import type { ResampleFilter } from './resample-filter'
import { resampleKernelPairScalar, resampleKernelScalar } from './resample-scalar'
import { simdResampleKernel } from '../simd/resample-kernel'

/**
 * Band-limited rational resampling with a polyphase Kaiser-windowed-sinc filter.
 *
 * The ratio outRate/inRate is reduced to L/M (32000→48000 = 3/2, 32000→44100 = 441/320). Output
 * frame n is the band-limited value of the input at time n·M/L input frames, computed from the
 * K input frames around it (a zero-phase filter: no latency to compensate, and any output frame
 * can be computed on its own, so ranges rendered in chunks match a one-shot render exactly).
 * Input outside [0, frames) is taken as silence. The resampled length of N frames is
 * round(N·L/M).
 *
 * Design (defaults): stopband from min(inRate, outRate)/2 with 110 dB attenuation (Kaiser β from
 * the attenuation), passband up to 90% of that Nyquist frequency. Every image or alias of content
 * below the lower Nyquist frequency lands in the stopband. The polyphase table holds L·K
 * coefficients; ratios with very large L use a finely sampled prototype with linear interpolation.
 */
export interface ResamplerOptions {
  /** Stopband attenuation in dB (default 110). */
  attenuationDb?: number
  /** Passband edge as a fraction of the lower Nyquist frequency (default 0.9). */
  passband?: number
}

export type { ResampleFilter }

const MAX_TABLE = 1 << 21
const PROTO_STEPS = 4096

function besselI0(x: number): number {
  let sum = 1
  let term = 1
  const q = (x * x) / 4
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k)
    sum += term
    if (term < sum * 1e-17) break
  }
  return sum
}

const cache = new Map<string, ResampleFilter>()

/** Designs (and caches) the filter for a pair of integer rates. */
export function designResampler(
  inRate: number,
  outRate: number,
  options: ResamplerOptions = {},
): ResampleFilter {
  if (!Number.isInteger(inRate) || !Number.isInteger(outRate) || inRate <= 0 || outRate <= 0) {
    throw new RangeError(`sample rates must be positive integers (got ${inRate} → ${outRate})`)
  }
  const attenuation = options.attenuationDb ?? 110
  const passband = options.passband ?? 0.9
  const key = `${inRate}:${outRate}:${attenuation}:${passband}`
  const cached = cache.get(key)
  if (cached) return cached
  const g = gcd(inRate, outRate)
  const up = outRate / g
  const down = inRate / g
  const stop = Math.min(inRate, outRate) / 2
  const pass = stop * passband
  const cutoff = (stop + pass) / 2 / inRate // cycles per input frame
  const transition = (stop - pass) / inRate
  const beta =
    attenuation > 50
      ? 0.1102 * (attenuation - 8.7)
      : attenuation >= 21
        ? 0.5842 * (attenuation - 21) ** 0.4 + 0.07886 * (attenuation - 21)
        : 0
  let taps = Math.ceil((attenuation - 7.95) / (14.36 * transition)) + 1
  taps = Math.max(8, Math.ceil(taps / 4) * 4)
  const half = taps / 2
  const i0beta = besselI0(beta)
  const kernel = (tau: number): number => {
    const r = tau / half
    if (r <= -1 || r >= 1) return 0
    const x = 2 * cutoff * tau
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x)
    return 2 * cutoff * sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / i0beta)
  }
  let table: Float64Array | null = null
  let proto: Float64Array | null = null
  if (up * taps <= MAX_TABLE) {
    table = new Float64Array(up * taps)
    for (let p = 0; p < up; p++) {
      for (let j = 0; j < taps; j++) table[p * taps + j] = kernel(p / up + half - 1 - j)
    }
    // Normalise to unity gain at DC (the average over phases).
    let sum = 0
    for (let i = 0; i < table.length; i++) sum += table[i]!
    const scale = up / sum
    for (let i = 0; i < table.length; i++) table[i]! *= scale
  } else {
    proto = new Float64Array(taps * (PROTO_STEPS + 1))
    for (let j = 0; j < taps; j++) {
      for (let k = 0; k <= PROTO_STEPS; k++)
        proto[j * (PROTO_STEPS + 1) + k] = kernel(k / PROTO_STEPS + half - 1 - j)
    }
    let sum = 0
    for (let j = 0; j < taps; j++) sum += proto[j * (PROTO_STEPS + 1)]!
    for (let i = 0; i < proto.length; i++) proto[i]! /= sum
  }
  const filter: ResampleFilter = {
    inRate,
    outRate,
    up,
    down,
    taps,
    table,
    proto,
    protoSteps: PROTO_STEPS,
  }
  cache.set(key, filter)
  return filter
}

/** round(frames · outRate / inRate), computed exactly. */
export function resampledLength(frames: number, inRate: number, outRate: number): number {
  return framesAtRate(frames, inRate, outRate)
}

/** The input frames [first, last] that outputs [outStart, outStart + count) read. */
export function inputSpan(
  filter: ResampleFilter,
  outStart: number,
  count: number,
): { first: number; last: number } {
  const half = filter.taps / 2
  const b0 = Math.floor((outStart * filter.down) / filter.up)
  const b1 = Math.floor(((outStart + Math.max(count, 1) - 1) * filter.down) / filter.up)
  return { first: b0 - half + 1, last: b1 + half }
}

/**
 * The filter loop for one channel: writes outputs [outStart, outStart + count) into
 * out[outOffset…], reading `x`, whose element 0 is input frame `xStart` and which covers
 * inputSpan(filter, outStart, count) entirely. Runs the WebAssembly SIMD kernel when the filter
 * has a polyphase table and the runtime supports it, else resampleKernelScalar.
 */
export function resampleKernel(
  filter: ResampleFilter,
  x: Float32Array,
  xStart: number,
  outStart: number,
  count: number,
  out: Float32Array,
  outOffset = 0,
): void {
  const simd = filter.table !== null ? simdResampleKernel() : null
  if (simd !== null) {
    simd.run(filter, [x], xStart, outStart, count, [out], outOffset)
  } else {
    resampleKernelScalar(filter, x, xStart, outStart, count, out, outOffset)
  }
}

/**
 * Runs the kernel over every channel (in pairs when possible): outputs [outStart, outStart +
 * count) of each channel into out[c], reading inputs[c] whose element 0 is frame `xStart`.
 */
function resampleChannels(
  filter: ResampleFilter,
  inputs: Float32Array[],
  xStart: number,
  outStart: number,
  count: number,
  out: Float32Array[],
): void {
  let c = 0
  const simd = filter.table !== null ? simdResampleKernel() : null
  for (; filter.table !== null && c + 1 < inputs.length; c += 2) {
    const [x0, x1, y0, y1] = [inputs[c]!, inputs[c + 1]!, out[c]!, out[c + 1]!]
    if (simd !== null) simd.run(filter, [x0, x1], xStart, outStart, count, [y0, y1])
    else resampleKernelPairScalar(filter, x0, x1, xStart, outStart, count, y0, y1)
  }
  for (; c < inputs.length; c++)
    resampleKernel(filter, inputs[c]!, xStart, outStart, count, out[c]!)
}

/**
 * Output frames [outStart, outStart + count) of a resampled source (any range, including beyond
 * the resampled length, which is silence). Reads only the input frames it needs.
 */
export function resampleRange(
  filter: ResampleFilter,
  source: FrameReader,
  outStart: number,
  count: number,
): Float32Array[] {
  const out: Float32Array[] = []
  for (let c = 0; c < source.channelCount; c++) out.push(new Float32Array(count))
  if (count <= 0) return out
  if (filter.up === filter.down) {
    const from = Math.max(0, outStart)
    const to = Math.min(source.frames, outStart + count)
    if (to > from) {
      const data = source.read(from, to - from)
      for (let c = 0; c < out.length; c++) out[c]!.set(data[c]!, from - outStart)
    }
    return out
  }
  const { first, last } = inputSpan(filter, outStart, count)
  const from = Math.max(0, first)
  const to = Math.min(source.frames, last + 1)
  const span = last - first + 1
  if (to <= from) return out
  const data = source.read(from, to - from)
  const inputs = data.map((ch) => {
    const x = new Float32Array(span)
    x.set(ch.subarray(0, to - from), from - first)
    return x
  })
  resampleChannels(filter, inputs, first, outStart, count, out)
  return out
}

/** Resamples a whole PcmAudio: exactly round(N · outRate / inRate) frames. */
export function resample(audio: PcmAudio, outRate: number, options?: ResamplerOptions): PcmAudio {
  const frames = audio.channels[0]?.length ?? 0
  if (audio.sampleRate === outRate) {
    return { sampleRate: outRate, channels: audio.channels.map((c) => c.slice()) }
  }
  const filter = designResampler(audio.sampleRate, outRate, options)
  const reader: FrameReader = {
    sampleRate: audio.sampleRate,
    channelCount: audio.channels.length,
    frames,
    read: (start, count) => audio.channels.map((ch) => ch.subarray(start, start + count)),
  }
  const channels = resampleRange(
    filter,
    reader,
    0,
    resampledLength(frames, audio.sampleRate, outRate),
  )
  return { sampleRate: outRate, channels }
}

/**
 * Streaming resampler: push planar chunks with process(); each call returns the output frames
 * that are complete (the filter looks taps/2 input frames ahead), flush() returns the rest, so
 * that the total is round(totalInput · outRate / inRate), sample-identical to resample().
 */
export class StreamResampler {
  readonly filter: ResampleFilter
  private buffers: Float32Array[]
  /** Input frame index of buffers[c][0]. */
  private bufStart: number
  private bufLen: number
  private totalIn = 0
  private nextOut = 0
  private flushed = false

  constructor(
    inRate: number,
    outRate: number,
    private readonly channelCount: number,
    options?: ResamplerOptions,
  ) {
    this.filter = designResampler(inRate, outRate, options)
    const half = this.filter.taps / 2
    this.bufStart = -half + 1
    this.bufLen = half - 1
    this.buffers = []
    for (let c = 0; c < channelCount; c++)
      this.buffers.push(new Float32Array(Math.max(1024, this.filter.taps * 4)))
  }

  private append(chunk: Float32Array[] | null, frames: number): void {
    const need = this.bufLen + frames
    const cap = this.buffers[0]?.length ?? 0
    if (need > cap) {
      const next = Math.max(need, cap * 2)
      this.buffers = this.buffers.map((b) => {
        const nb = new Float32Array(next)
        nb.set(b.subarray(0, this.bufLen))
        return nb
      })
    }
    for (let c = 0; c < this.channelCount; c++) {
      const b = this.buffers[c]!
      if (chunk) b.set(chunk[c]!.subarray(0, frames), this.bufLen)
      else b.fill(0, this.bufLen, this.bufLen + frames)
    }
    this.bufLen += frames
  }

  /** Produces outputs up to (not including) `limit`, as far as the buffered input allows. */
  private produce(limit: number): Float32Array[] {
    const f = this.filter
    const half = f.taps / 2
    const lastInput = this.bufStart + this.bufLen - 1
    // Largest n with floor(n·M/L) + half <= lastInput.
    const maxBase = lastInput - half
    let end = maxBase < 0 ? 0 : Math.floor(((maxBase + 1) * f.up - 1) / f.down) + 1
    end = Math.min(end, limit)
    const count = Math.max(0, end - this.nextOut)
    const out: Float32Array[] = []
    for (let c = 0; c < this.channelCount; c++) out.push(new Float32Array(count))
    if (count > 0) resampleChannels(f, this.buffers, this.bufStart, this.nextOut, count, out)
    this.nextOut += count
    // Drop input no longer needed.
    const keepFrom = Math.floor((this.nextOut * f.down) / f.up) - half + 1
    const drop = Math.max(0, Math.min(this.bufLen, keepFrom - this.bufStart))
    if (drop > 0) {
      for (const b of this.buffers) b.copyWithin(0, drop, this.bufLen)
      this.bufLen -= drop
      this.bufStart += drop
    }
    return out
  }

  process(chunk: Float32Array[]): Float32Array[] {
    if (this.flushed) throw new Error('StreamResampler: process() after flush()')
    if (chunk.length !== this.channelCount) {
      throw new RangeError(`expected ${this.channelCount} channels, got ${chunk.length}`)
    }
    const frames = chunk[0]?.length ?? 0
    if (this.filter.up === this.filter.down) {
      this.totalIn += frames
      this.nextOut += frames
      return chunk.map((c) => c.slice())
    }
    this.append(chunk, frames)
    this.totalIn += frames
    return this.produce(Infinity)
  }

  flush(): Float32Array[] {
    if (this.flushed) throw new Error('StreamResampler: flush() called twice')
    this.flushed = true
    const f = this.filter
    const total = resampledLength(this.totalIn, f.inRate, f.outRate)
    if (f.up === f.down) return this.buffers.map(() => new Float32Array(0))
    this.append(null, f.taps / 2 + 2)
    return this.produce(total)
  }
}
