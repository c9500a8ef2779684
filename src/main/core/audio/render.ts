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

export interface RenderClip {
  start: number
  offset: number
  length: number
  gainDb: number
  fadeIn: number
  fadeOut: number
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
export function audibleTracks(tracks: readonly RenderTrack[]): boolean[] {
  const anySolo = tracks.some((t) => t.solo && !t.mute)
  return tracks.map((t) => !t.mute && (!anySolo || t.solo))
}

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
  const trackGain = dbToGain(track.gainDb)
  for (const clip of track.clips) mixClip(out, sampleRate, clip, trackGain, from, to)
  return out
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
export function projectEnd(tracks: readonly RenderTrack[]): number {
  let end = 0
  for (const t of tracks) for (const c of t.clips) end = Math.max(end, c.start + c.length)
  return end
}
