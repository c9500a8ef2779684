// The rendering and WAV encoding of stems as export did them before it ran on worker threads,
// kept verbatim (but for names) as the reference the new path must match bit for bit.
import type { FrameReader } from '../../../src/main/core/audio/dsp/pcm'
import { pcmReader } from '../../../src/main/core/audio/dsp/pcm'
import {
  dbToGain,
  type ClipSource,
  type RenderClip,
  type RenderTrack,
  type StereoBuffer,
} from '../../../src/main/core/audio/dsp/render'
import {
  designResampler,
  resampledLength,
  resampleRange,
} from '../../../src/main/core/audio/dsp/resample'
import type { WavSampleFormat } from '../../../src/main/core/audio/formats/wav/encode'

function toReader(source: ClipSource): FrameReader {
  return 'read' in source ? source : pcmReader(source)
}

/** Frames [srcStart, srcStart + count) of a source at the project rate, silent outside it. */
function readAtRate(
  source: FrameReader,
  rate: number,
  srcStart: number,
  count: number,
): Float32Array[] {
  const out: Float32Array[] = []
  if (source.sampleRate === rate) {
    for (let c = 0; c < source.channelCount; c++) out.push(new Float32Array(count))
    const from = Math.max(0, srcStart)
    const to = Math.min(source.frames, srcStart + count)
    if (to > from) {
      const data = source.read(from, to - from)
      for (let c = 0; c < out.length; c++)
        out[c]!.set(data[c]!.subarray(0, to - from), from - srcStart)
    }
    return out
  }
  const total = resampledLength(source.frames, source.sampleRate, rate)
  const from = Math.max(0, srcStart)
  const to = Math.min(total, srcStart + count)
  if (to <= from) {
    for (let c = 0; c < source.channelCount; c++) out.push(new Float32Array(count))
    return out
  }
  const filter = designResampler(source.sampleRate, rate)
  const data = resampleRange(filter, source, from, to - from)
  if (from === srcStart && to - from === count) return data
  for (let c = 0; c < source.channelCount; c++) {
    const o = new Float32Array(count)
    o.set(data[c]!, from - srcStart)
    out.push(o)
  }
  return out
}

/** Adds one clip's frames in [from, to) to `out` (which starts at `from`), scaled by trackGain. */
function mixClip(
  out: StereoBuffer,
  rate: number,
  clip: RenderClip,
  trackGain: number,
  from: number,
  to: number,
): void {
  const length = Math.max(0, Math.floor(clip.length))
  const s0 = Math.max(from, clip.start)
  const s1 = Math.min(to, clip.start + length)
  if (s1 <= s0) return
  const count = s1 - s0
  const rel0 = s0 - clip.start
  const source = toReader(clip.source)
  if (source.channelCount === 0) return
  const data = readAtRate(source, rate, clip.offset + rel0, count)
  const left = data[0]!
  const right = data.length > 1 ? data[1]! : left
  const gain = dbToGain(clip.gainDb) * trackGain
  const fadeIn = Math.min(length, Math.max(0, Math.floor(clip.fadeIn)))
  const fadeOut = Math.min(length, Math.max(0, Math.floor(clip.fadeOut)))
  const fadeOutStart = length - fadeOut
  const [outL, outR] = out
  const o = s0 - from
  const half = Math.PI / 2
  for (let i = 0; i < count; i++) {
    const rel = rel0 + i
    let g = gain
    if (rel < fadeIn) g *= Math.sin((half * rel) / fadeIn)
    if (rel >= fadeOutStart) g *= Math.cos((half * (rel - fadeOutStart)) / fadeOut)
    outL[o + i] = outL[o + i]! + left[i]! * g
    outR[o + i] = outR[o + i]! + right[i]! * g
  }
}

export function referenceRenderTrack(
  sampleRate: number,
  track: RenderTrack,
  from: number,
  to: number,
): StereoBuffer {
  const out: StereoBuffer = [new Float32Array(to - from), new Float32Array(to - from)]
  const trackGain = dbToGain(track.gainDb)
  for (const clip of track.clips) mixClip(out, sampleRate, clip, trackGain, from, to)
  return out
}

/** The old encoder: Math.round, clamp, NaN as 0, byte by byte. */
export function referenceEncode(
  format: WavSampleFormat,
  channels: Float32Array[],
  count: number,
): Uint8Array {
  const nch = channels.length
  const bps = format === 'int16' ? 2 : format === 'int24' ? 3 : 4
  const out = new Uint8Array(count * nch * bps)
  const view = new DataView(out.buffer)
  for (let c = 0; c < nch; c++) {
    const src = channels[c]!
    for (let i = 0, o = c * bps; i < count; i++, o += nch * bps) {
      if (format === 'float32') {
        view.setFloat32(o, src[i]!, true)
      } else if (format === 'int16') {
        let v = Math.round(src[i]! * 32768)
        v = v > 32767 ? 32767 : v < -32768 ? -32768 : v || 0
        out[o] = v & 0xff
        out[o + 1] = (v >> 8) & 0xff
      } else {
        let v = Math.round(src[i]! * 8388608)
        v = v > 8388607 ? 8388607 : v < -8388608 ? -8388608 : v || 0
        out[o] = v & 0xff
        out[o + 1] = (v >> 8) & 0xff
        out[o + 2] = (v >> 16) & 0xff
      }
    }
  }
  return out
}

/**
 * The sample data of every stem and of the mix (last), as the old export loop made them:
 * chunks of 65536 frames, each stem rendered and encoded, the mix summed in track order.
 */
export function referenceStemData(
  sampleRate: number,
  stems: RenderTrack[],
  frames: number,
  format: WavSampleFormat,
): Uint8Array[] {
  const parts: Uint8Array[][] = [...stems, null].map(() => [])
  for (let from = 0; from < frames; from += 65536) {
    const to = Math.min(frames, from + 65536)
    const mix = [new Float32Array(to - from), new Float32Array(to - from)]
    stems.forEach((stem, k) => {
      const audio = referenceRenderTrack(sampleRate, stem, from, to)
      parts[k]!.push(referenceEncode(format, audio, to - from))
      for (let c = 0; c < 2; c++) {
        const out = mix[c]!
        const add = audio[c]!
        for (let i = 0; i < out.length; i++) out[i] = out[i]! + add[i]!
      }
    })
    parts[stems.length]!.push(referenceEncode(format, mix, to - from))
  }
  return parts.map((chunks) => Buffer.concat(chunks))
}
