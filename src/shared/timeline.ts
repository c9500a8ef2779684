// Pure sample math of the timeline. Positions and lengths are integer samples at the project rate.

export function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b]
  return a
}

/** An asset's length in project samples: round(frames · projectRate / assetRate), exactly. */
export function framesAtRate(frames: number, fromRate: number, toRate: number): number {
  const g = gcd(fromRate, toRate)
  const up = toRate / g
  const down = fromRate / g
  return Math.floor((2 * frames * up + down) / (2 * down))
}

/**
 * A clip's timing and level: where it sits on the timeline, which window of its asset it plays
 * (project samples) and its gain and fades. Declared once: the contract's Clip, playback, export
 * rendering and continuation placement all use it.
 */
export interface ClipTiming {
  /** Timeline position of the clip's first sample. */
  start: number
  /** Where the clip starts in its asset. */
  offset: number
  length: number
  gainDb: number
  /** Samples of equal-power fade at each end. */
  fadeIn: number
  fadeOut: number
}

/** A clip's window into its asset, as checked against the asset's length. */
export type ClipBounds = Pick<ClipTiming, 'offset' | 'length' | 'fadeIn' | 'fadeOut'>

/** What is wrong with a clip's window into its asset, naming the field; null when it fits. */
export function clipBoundsProblem(
  clip: ClipBounds,
  assetLength: number,
): { field: keyof ClipBounds; message: string } | null {
  if (clip.offset >= assetLength) {
    return {
      field: 'offset',
      message: `offset ${clip.offset} is past the end of the audio (${assetLength} samples)`,
    }
  }
  if (clip.offset + clip.length > assetLength) {
    return {
      field: 'length',
      message: `length ${clip.length} from offset ${clip.offset} runs past the end of the audio (${assetLength} samples)`,
    }
  }
  if (clip.fadeIn + clip.fadeOut > clip.length) {
    return { field: 'fadeIn', message: 'fades are longer than the clip' }
  }
  return null
}

export function secondsToSamples(seconds: number, sampleRate: number): number {
  return Math.round(seconds * sampleRate)
}

// ---------------------------------------------------------------------------------------------
// Equal-power crossfades (the same curves as the mixdown in src/main/core/audio/dsp/render.ts)

/**
 * Gains at frame `position` of an equal-power crossfade of `length` frames: the outgoing side
 * follows cos(π/2 · p/F), the incoming sin(π/2 · p/F), so fadeOut² + fadeIn² = 1 everywhere.
 * Positions outside [0, length] are clamped; a zero-length crossfade is already complete.
 */
export function equalPowerGains(
  position: number,
  length: number,
): { fadeOut: number; fadeIn: number } {
  if (!(length > 0)) return { fadeOut: 0, fadeIn: 1 }
  const t = Math.min(1, Math.max(0, position / length))
  const angle = (Math.PI / 2) * t
  return { fadeOut: Math.cos(angle), fadeIn: Math.sin(angle) }
}

// ---------------------------------------------------------------------------------------------
// Continuation placement

/** The clip fields that describe a window into an asset on the timeline. */
export type ClipWindow = Pick<ClipTiming, 'start' | 'offset' | 'length' | 'fadeIn' | 'fadeOut'>

/** Default crossfade at a continuation seam: 50 ms, short enough to keep the seam tight. */
export const CONTINUATION_CROSSFADE_SECONDS = 0.05

/** Clip gain bounds of the contract (src/shared/api.ts). */
export const MIN_CLIP_GAIN_DB = -60
export const MAX_CLIP_GAIN_DB = 12

export interface ContinuationInput {
  /** The clip that was continued, as it is now. */
  parent: ClipTiming
  projectRate: number
  /** W: the context sent to the model (its last W seconds). */
  contextSeconds: number
  /**
   * The context in project samples when known exactly (the caller cut it); overrides
   * round(W · projectRate).
   */
  contextSamples?: number
  /**
   * Where the context slice ended in the parent's source, in project samples (offset + length
   * of the parent when the request was made). Defaults to the parent's current end, so the
   * parent only needs trimming when it was edited while the continuation was generated.
   */
  contextEnd?: number
  /** R's length in project samples (framesAtRate of the result asset). */
  resultFrames: number
  /** Crossfade length in project samples (default 50 ms), shortened when it does not fit. */
  crossfadeSamples?: number
  /**
   * Seam refinement from cross-correlation: R[i + lag] ≈ context[i] (a positive lag means R's
   * copy of the context runs late). From alignSeam in src/main/core/audio/dsp/seam.ts.
   */
  lagSamples?: number
  /** Gain (dB) that matches R's overlap to the parent's raw audio (alignSeam's gainDb). */
  gainDb?: number
}

export interface ContinuationPlacement {
  /** The new clip (on the parent's track): plays R from just before the seam to R's end. */
  clip: ClipTiming
  /** The parent's new length and fade-out (ends exactly at the seam, fading out over the crossfade). */
  parent: { length: number; fadeOut: number }
  /** Timeline position of the seam: where the parent's context ended. */
  seam: number
  /** Timeline position of R's frame 0 (may be before the parent's start or negative). */
  resultStart: number
  contextSamples: number
  crossfadeSamples: number
}

/**
 * Places a continuation result R after its parent C (ARCHITECTURE.md, "Continuation chains").
 *
 * With w = context samples, k = lag and S = the seam (C's start + contextEnd − C's offset): R's
 * frame 0 lies at S − w − k, so R's first w frames cover C's last w (R[w + k] falls on S).
 * The crossfade of X samples ENDS at the seam: C keeps its end at S and fades out over
 * [S − X, S); the new clip starts at S − X with offset w + k − X and fades in over the same
 * X samples, then plays R to its end. It cannot be centred on the seam because C has no audio
 * after its context ended, while R's overlap is a copy of C's tail and is valid before S.
 *
 * X is shortened (down to 0) so that every field stays valid: the parent's fades fit its length
 * and the new clip's offset is ≥ 0. Throws when R has no new material after the seam.
 */
export function placeContinuation(input: ContinuationInput): ContinuationPlacement {
  const { parent, projectRate, resultFrames } = input
  const w = input.contextSamples ?? secondsToSamples(input.contextSeconds, projectRate)
  const lag = Math.round(input.lagSamples ?? 0)
  const contextEnd = input.contextEnd ?? parent.offset + parent.length
  if (!Number.isInteger(w) || w < 1) throw new RangeError(`context must be at least one sample`)
  const parentLength = contextEnd - parent.offset
  if (parentLength < 1) {
    throw new RangeError('the parent clip no longer covers the end of its context')
  }
  const seam = parent.start + parentLength
  const newMaterial = resultFrames - w - lag
  if (newMaterial < 1) {
    throw new RangeError(
      `the result (${resultFrames} samples) has nothing after its ${w + lag}-sample overlap`,
    )
  }
  if (w + lag < 0) throw new RangeError(`lag ${lag} is larger than the context (${w} samples)`)
  const requested =
    input.crossfadeSamples ?? secondsToSamples(CONTINUATION_CROSSFADE_SECONDS, projectRate)
  const parentFadeIn = Math.min(parent.fadeIn, parentLength)
  const crossfade = Math.max(
    0,
    Math.min(Math.round(requested), parentLength - parentFadeIn, w + lag, seam),
  )
  const offset = w + lag - crossfade
  const gainDb = Math.min(
    MAX_CLIP_GAIN_DB,
    Math.max(MIN_CLIP_GAIN_DB, parent.gainDb + (input.gainDb ?? 0)),
  )
  return {
    clip: {
      start: seam - crossfade,
      offset,
      length: resultFrames - offset,
      gainDb,
      fadeIn: crossfade,
      fadeOut: 0,
    },
    parent: { length: parentLength, fadeOut: crossfade },
    seam,
    resultStart: seam - w - lag,
    contextSamples: w,
    crossfadeSamples: crossfade,
  }
}

// ---------------------------------------------------------------------------------------------
// Tempo, ruler and snapping

/** Samples per beat (may be fractional: grid lines are rounded one by one, never accumulated). */
export function beatSamples(bpm: number, sampleRate: number): number {
  if (!(bpm > 0)) throw new RangeError(`tempo must be positive (got ${bpm})`)
  return (sampleRate * 60) / bpm
}

export interface BarsBeats {
  /** 1-based bar (0 and below before the origin). */
  bar: number
  /** 1-based beat within the bar. */
  beat: number
  /** Position within the beat, in [0, 1). */
  fraction: number
  /** "bar.beat", as a ruler shows it. */
  label: string
}

/**
 * Musical position of a sample. The tempo counts the beat unit of the time signature (its
 * denominator), so a bar holds `timeSignature[0]` beats: 6/8 at 120 bpm is 120 eighths a minute.
 */
export function barsBeats(
  samples: number,
  bpm: number,
  timeSignature: readonly [number, number],
  sampleRate: number,
): BarsBeats {
  const perBar = timeSignature[0]
  const step = beatSamples(bpm, sampleRate)
  // The beat whose (rounded) grid line is at or before the sample, as the ruler draws it.
  let whole = Math.floor(samples / step)
  if (gridLine(whole + 1, step) <= samples) whole++
  else if (gridLine(whole, step) > samples) whole--
  const line = gridLine(whole, step)
  const fraction = (samples - line) / (gridLine(whole + 1, step) - line)
  const barIndex = Math.floor(whole / perBar)
  const bar = barIndex + 1
  const beat = whole - barIndex * perBar + 1
  return { bar, beat, fraction, label: `${bar}.${beat}` }
}

/** Timeline position of grid line n: origin + round(n · step). */
export function gridLine(n: number, stepSamples: number, origin = 0): number {
  return origin + Math.round(n * stepSamples)
}

export interface SnapOptions {
  /** Grid step in samples (e.g. beatSamples); null or absent: no grid. */
  gridSamples?: number | null
  /** Where grid line 0 lies (default 0). */
  gridOrigin?: number
  /** Clip edges (and the playhead, loop points…) to snap to. */
  edges?: readonly number[]
  thresholdSamples: number
}

export interface SnapResult {
  samples: number
  /** What it snapped to; null when nothing was within the threshold. */
  target: 'grid' | 'edge' | null
}

/** Nearest grid line or edge within the threshold; an edge wins a tie with the grid. */
export function snapTime(samples: number, options: SnapOptions): SnapResult {
  const { thresholdSamples } = options
  let best: SnapResult = { samples, target: null }
  let bestDistance = Infinity
  for (const edge of options.edges ?? []) {
    const d = Math.abs(edge - samples)
    if (d <= thresholdSamples && d < bestDistance) {
      best = { samples: edge, target: 'edge' }
      bestDistance = d
    }
  }
  const step = options.gridSamples
  if (step != null && step > 0) {
    const origin = options.gridOrigin ?? 0
    const n = Math.round((samples - origin) / step)
    for (const m of [n - 1, n, n + 1]) {
      const line = gridLine(m, step, origin)
      const d = Math.abs(line - samples)
      if (d <= thresholdSamples && d < bestDistance) {
        best = { samples: line, target: 'grid' }
        bestDistance = d
      }
    }
  }
  return best
}

/**
 * Snaps a span being moved (a dragged clip): whichever of its start and end is nearer a target
 * snaps; returns the new start.
 */
export function snapSpan(start: number, length: number, options: SnapOptions): SnapResult {
  const head = snapTime(start, options)
  const tail = snapTime(start + length, options)
  if (tail.target === null) return head
  const shiftedTail = { samples: tail.samples - length, target: tail.target }
  if (head.target === null) return shiftedTail
  return Math.abs(tail.samples - (start + length)) < Math.abs(head.samples - start)
    ? shiftedTail
    : head
}

// ---------------------------------------------------------------------------------------------
// Clip edits: pure functions returning new clips. Lengths are in project samples; `assetLength`
// is the source's length at the project rate (framesAtRate).

/** Keeps fades inside the clip: the fade-in first, the fade-out in what is left. */
function clampFades<T extends ClipWindow>(clip: T): T {
  const fadeIn = Math.max(0, Math.min(clip.fadeIn, clip.length))
  const fadeOut = Math.max(0, Math.min(clip.fadeOut, clip.length - fadeIn))
  return fadeIn === clip.fadeIn && fadeOut === clip.fadeOut ? clip : { ...clip, fadeIn, fadeOut }
}

/** Moves a clip to `start` (≥ 0, whole samples), optionally onto another track. */
export function moveClip<T extends ClipWindow & { trackId?: string }>(
  clip: T,
  start: number,
  trackId?: string,
): T {
  const moved: T = { ...clip, start: Math.max(0, Math.round(start)) }
  if (trackId !== undefined) moved.trackId = trackId
  return moved
}

/**
 * Moves the clip's start edge to `newStart`, keeping its end where it is: the audio under the
 * edge stays put (offset follows). Limited by the source's beginning (offset ≥ 0), the timeline's
 * (start ≥ 0) and a length of at least one sample. The fade-in stays attached to the start.
 */
export function trimStart<T extends ClipWindow>(clip: T, newStart: number): T {
  const end = clip.start + clip.length
  const earliest = Math.max(0, clip.start - clip.offset)
  const start = Math.min(end - 1, Math.max(earliest, Math.round(newStart)))
  const delta = start - clip.start
  return clampFades({ ...clip, start, offset: clip.offset + delta, length: clip.length - delta })
}

/** Moves the clip's end edge to `newEnd`, within [start + 1, the end of its source]. */
export function trimEnd<T extends ClipWindow>(clip: T, newEnd: number, assetLength: number): T {
  const latest = clip.start + Math.max(1, assetLength - clip.offset)
  const end = Math.min(latest, Math.max(clip.start + 1, Math.round(newEnd)))
  return clampFades({ ...clip, length: end - clip.start })
}

/**
 * Splits a clip at timeline position `at` (strictly inside it) into two that play the same audio
 * back to back: the first keeps the fade-in, the second (offset += at − start) the fade-out.
 * Returns null when `at` is not inside the clip. The second keeps the first's fields (id…):
 * create it through clips.create, which gives it its own id.
 */
export function splitClip<T extends ClipWindow>(clip: T, at: number): [T, T] | null {
  const cut = Math.round(at)
  if (cut <= clip.start || cut >= clip.start + clip.length) return null
  const head = cut - clip.start
  const first = clampFades({ ...clip, length: head, fadeOut: 0 })
  const second = clampFades({
    ...clip,
    start: cut,
    offset: clip.offset + head,
    length: clip.length - head,
    fadeIn: 0,
  })
  return [first, second]
}

/** A copy of a clip at `start` (default: right after it), for clips.create. */
export function duplicateClip<T extends ClipWindow>(clip: T, start = clip.start + clip.length): T {
  return { ...clip, start: Math.max(0, Math.round(start)) }
}

/**
 * Sets one fade's length (samples, whole, ≥ 0): limited to what the other fade leaves of the
 * clip, so that the two never overlap.
 */
export function setFade<T extends ClipWindow>(clip: T, kind: 'in' | 'out', samples: number): T {
  const other = kind === 'in' ? clip.fadeOut : clip.fadeIn
  const fade = Math.max(0, Math.min(clip.length - other, Math.round(samples)))
  return kind === 'in' ? { ...clip, fadeIn: fade } : { ...clip, fadeOut: fade }
}

/**
 * The fades' gain at `position` samples into a clip `length` long: the equal-power curves that
 * playback and the mixdown apply (sin up over the fade-in, cos down over the fade-out).
 */
export function fadeEnvelope(
  position: number,
  length: number,
  fadeIn: number,
  fadeOut: number,
): number {
  let gain = 1
  if (fadeIn > 0 && position < fadeIn) gain *= equalPowerGains(position, fadeIn).fadeIn
  const outStart = length - fadeOut
  if (fadeOut > 0 && position > outStart) {
    gain *= equalPowerGains(position - outStart, fadeOut).fadeOut
  }
  return gain
}
