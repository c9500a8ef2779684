import type { ClipTiming } from '../../../../shared/timeline'
import { pcmReader, type FrameReader, type PcmAudio } from './pcm'
import { designResampler, resampledLength, resampleRange } from './resample'

/**
 * Mixdown as a pure function of the project state.
 *
 * Positions are integer frames at the project rate. A clip plays its source from `offset` (frames
 * at the project rate, i.e. into the source resampled to the project rate) for `length` frames,
 * starting at `start` on the timeline. Sources at another rate are resampled with resample.ts
 * (random access, so rendering a range in chunks gives exactly the samples of a whole render).
 * Beyond the end of its source a clip is silent.
 *
 * Gains: clip gain × track gain (dB). Fades are equal-power: at frame k of a fade-in of F frames
 * the gain is sin(π/2 · k/F); at frame k of a fade-out of F frames it is cos(π/2 · k/F), so a
 * fade-out and a fade-in laid over the same frames sum to constant power. Fades longer than the
 * clip are clamped to it; overlapping fade-in and fade-out multiply.
 *
 * Output is stereo Float32 (mono sources go to both sides; of sources with more than two channels
 * the first two are used). Solo: when any track is soloed only soloed tracks play; mute silences
 * a track (and wins over solo). The mix is the sum, in Float32 and in track order, of the stems
 * of the audible tracks, so it equals the sum of those stems exactly.
 */
export type ClipSource = PcmAudio | FrameReader

export interface RenderClip extends ClipTiming {
  source: ClipSource
}

export interface RenderTrack {
  gainDb: number
  mute: boolean
  solo: boolean
  clips: RenderClip[]
}

export interface RenderProject {
  sampleRate: number
  tracks: RenderTrack[]
}

export type StereoBuffer = [Float32Array, Float32Array]

/** Linear gain of a level in dB. */
export function dbToGain(db: number): number {
  return 10 ** (db / 20)
}

/** Which tracks are heard in the mix (mute and solo applied). */
export function audibleTracks(tracks: readonly Pick<RenderTrack, 'mute' | 'solo'>[]): boolean[] {
  const anySolo = tracks.some((t) => t.solo && !t.mute)
  return tracks.map((t) => !t.mute && (!anySolo || t.solo))
}

/**
 * A source that decodes into the caller's buffers (for example a PCM file read through one reused
 * byte buffer): rendering from it allocates nothing per chunk.
 */
export interface BufferedFrameReader extends FrameReader {
  /** Frames [start, start + count) of each channel into out[c] from outOffset (within frames). */
  readInto(start: number, count: number, out: Float32Array[], outOffset: number): void
  /**
   * Adds frames [start, start + count) scaled by `gain` to out from outOffset, as mixClip does
   * (out[i] = out[i] + x[i] × gain; channel 0 left, channel 1 right, or channel 0 on both sides).
   */
  mixInto(start: number, count: number, gain: number, out: StereoBuffer, outOffset: number): void
}

/**
 * Buffers for reading sources, reused from chunk to chunk (one per source channel): whoever
 * renders many chunks keeps one. The rendered audio never aliases them.
 */
export class RenderScratch {
  #buffers: Float32Array[] = []
  /** Views of the first n buffers, by n: what take() returns, without an array per call. */
  #firsts: Float32Array[][] = []

  /** `channelCount` buffers of at least `frames` frames (their contents are left as they are). */
  take(channelCount: number, frames: number): Float32Array[] {
    if (channelCount > this.#buffers.length || (this.#buffers[0]?.length ?? 0) < frames) {
      const length = Math.max(frames, this.#buffers[0]?.length ?? 0)
      const count = Math.max(channelCount, this.#buffers.length)
      this.#buffers = Array.from({ length: count }, () => new Float32Array(length))
      this.#firsts = []
    }
    return (this.#firsts[channelCount] ??= this.#buffers.slice(0, channelCount))
  }
}

const defaultScratch = new RenderScratch()

function toReader(source: ClipSource): FrameReader {
  return 'read' in source ? source : pcmReader(source)
}

function isBuffered(source: FrameReader): source is BufferedFrameReader {
  return 'readInto' in source
}

/**
 * Frames [srcStart, srcStart + count) of a source at the project rate, silent outside it: the
 * first `count` elements of each returned channel (views of the source or scratch buffers, valid
 * until the next read).
 */
function readAtRate(
  source: FrameReader,
  rate: number,
  srcStart: number,
  count: number,
  scratch: RenderScratch,
): Float32Array[] {
  if (source.sampleRate === rate) {
    const from = Math.max(0, srcStart)
    const to = Math.min(source.frames, srcStart + count)
    const buffered = isBuffered(source)
    const data = to > from && !buffered ? source.read(from, to - from) : null
    // In-memory sources give views: used as they are when they cover the whole range.
    if (data && from === srcStart && to - from === count && data.every((c) => c.length >= count))
      return data
    const out = scratch.take(source.channelCount, count)
    if (to <= from) {
      for (let c = 0; c < source.channelCount; c++) out[c]!.fill(0, 0, count)
      return out
    }
    for (let c = 0; c < source.channelCount; c++) {
      out[c]!.fill(0, 0, from - srcStart)
      out[c]!.fill(0, to - srcStart, count)
    }
    if (buffered) {
      source.readInto(from, to - from, out, from - srcStart)
    } else {
      // A short read (a file cut meanwhile) leaves silence.
      for (let c = 0; c < source.channelCount; c++) {
        const got = data![c]!.subarray(0, to - from)
        out[c]!.set(got, from - srcStart)
        out[c]!.fill(0, from - srcStart + got.length, to - srcStart)
      }
    }
    return out
  }
  const out: Float32Array[] = []
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
  scratch: RenderScratch,
): void {
  const length = Math.max(0, Math.floor(clip.length))
  const s0 = Math.max(from, clip.start)
  const s1 = Math.min(to, clip.start + length)
  if (s1 <= s0) return
  const count = s1 - s0
  const rel0 = s0 - clip.start
  const source = toReader(clip.source)
  if (source.channelCount === 0) return
  const gain = dbToGain(clip.gainDb) * trackGain
  const fadeIn = Math.min(length, Math.max(0, Math.floor(clip.fadeIn)))
  const fadeOut = Math.min(length, Math.max(0, Math.floor(clip.fadeOut)))
  const fadeOutStart = length - fadeOut
  const o = s0 - from
  // No fade in this range: the same arithmetic as the loop at the end, the gain left as it is.
  const plain = rel0 >= fadeIn && rel0 + count <= fadeOutStart
  const srcStart = clip.offset + rel0
  if (
    plain &&
    source.sampleRate === rate &&
    isBuffered(source) &&
    srcStart >= 0 &&
    srcStart + count <= source.frames
  ) {
    source.mixInto(srcStart, count, gain, out, o)
    return
  }
  const data = readAtRate(source, rate, srcStart, count, scratch)
  const left = data[0]!
  const right = data.length > 1 ? data[1]! : left
  const [outL, outR] = out
  if (plain) {
    for (let i = 0; i < count; i++) {
      outL[o + i] = outL[o + i]! + left[i]! * gain
      outR[o + i] = outR[o + i]! + right[i]! * gain
    }
    return
  }
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

function checkRange(from: number, to: number): void {
  if (!Number.isInteger(from) || !Number.isInteger(to) || to < from) {
    throw new RangeError(`invalid render range [${from}, ${to})`)
  }
}

/**
 * One track's audio over [from, to) (its gain applied, mute and solo ignored: that is for the
 * caller, see audibleTracks), clips summed in their order.
 */
export function renderTrack(
  sampleRate: number,
  track: RenderTrack,
  from: number,
  to: number,
): StereoBuffer {
  checkRange(from, to)
  const out: StereoBuffer = [new Float32Array(to - from), new Float32Array(to - from)]
  renderTrackInto(sampleRate, track, from, to, out)
  return out
}

/**
 * renderTrack into the first to - from frames of `out` (overwritten), reading sources through
 * `scratch`: for rendering chunk after chunk without allocating.
 */
export function renderTrackInto(
  sampleRate: number,
  track: RenderTrack,
  from: number,
  to: number,
  out: StereoBuffer,
  scratch: RenderScratch = defaultScratch,
): void {
  checkRange(from, to)
  if (out[0].length < to - from || out[1].length < to - from) {
    throw new RangeError(`the output holds fewer than ${to - from} frames`)
  }
  out[0].fill(0, 0, to - from)
  out[1].fill(0, 0, to - from)
  const trackGain = dbToGain(track.gainDb)
  for (const clip of track.clips) mixClip(out, sampleRate, clip, trackGain, from, to, scratch)
}

/** The mix of the audible tracks over [from, to): the Float32 sum of their stems in track order. */
export function renderMix(project: RenderProject, from: number, to: number): StereoBuffer {
  checkRange(from, to)
  const out: StereoBuffer = [new Float32Array(to - from), new Float32Array(to - from)]
  const audible = audibleTracks(project.tracks)
  project.tracks.forEach((track, t) => {
    if (!audible[t]) return
    const [l, r] = renderTrack(project.sampleRate, track, from, to)
    const [ol, or] = out
    for (let i = 0; i < l.length; i++) {
      ol[i] = ol[i]! + l[i]!
      or[i] = or[i]! + r[i]!
    }
  })
  return out
}

/** The end of the last clip (frames at the project rate), 0 without clips. */
export function projectEnd(
  tracks: readonly { clips: readonly Pick<RenderClip, 'start' | 'length'>[] }[],
): number {
  let end = 0
  for (const t of tracks) for (const c of t.clips) end = Math.max(end, c.start + c.length)
  return end
}
