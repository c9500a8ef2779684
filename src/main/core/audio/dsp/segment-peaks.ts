import { AudioError } from '../audio-error'
import {
  assemblePeaks,
  DEFAULT_PEAK_RESOLUTIONS,
  LevelAccumulator,
  PeakArrays,
  planPeakLevels,
  type PeakLevel,
  type Peaks,
} from './peaks'

/**
 * The peaks of a run of frames that starts at frame `offset` of a stream: what a segment's worker
 * task sends back when only the peaks are wanted (an import's check), instead of the samples. The
 * samples then never cross to the main thread, whose memory would hold them until its next
 * garbage collection (tens of megabytes for a long file).
 */
export interface SegmentPeaks {
  offset: number
  frames: number
  /**
   * The levels computed from the samples, finest first. A level's first peak is the stream's
   * peak floor(offset / framesPerPeak); its first and last may be partial, and keep ±Infinity
   * where they saw no number, so that joining them with the neighbours' gives the one-pass peaks.
   */
  levels: PeakLevel[]
}

/** Builds a segment's peaks as its frames are decoded (on a worker thread). */
export class SegmentPeaksBuilder {
  private readonly levels: LevelAccumulator[]
  private frames = 0

  constructor(
    private readonly channels: number,
    private readonly offset: number,
  ) {
    this.levels = planPeakLevels(DEFAULT_PEAK_RESOLUTIONS).direct.map(
      (r) => new LevelAccumulator(r, channels, 0, offset % r),
    )
  }

  /**
   * Takes frames [from, to) of `chunk`, clamped to it (all of it by default), of the first
   * `channels` of its channels: a decoder's output windowed to the frames a segment keeps.
   */
  push(chunk: Float32Array[], from = 0, to = Infinity): void {
    const start = Math.max(0, from)
    const end = Math.min(to, chunk[0]?.length ?? 0)
    if (end <= start) return
    if (chunk.length < this.channels) {
      throw new RangeError(`expected ${this.channels} channels, got ${chunk.length}`)
    }
    const window = chunk.slice(0, this.channels).map((ch) => ch.subarray(start, end))
    for (const level of this.levels) level.push(window, end - start)
    this.frames += end - start
  }

  finish(): SegmentPeaks {
    const levels = this.frames === 0 ? [] : this.levels.map((level) => level.finish(true))
    return { offset: this.offset, frames: this.frames, levels }
  }

  /** The buffers of finish()'s result, to transfer them to the caller. */
  static buffers(peaks: SegmentPeaks): ArrayBuffer[] {
    return peaks.levels.flatMap((l) => [...l.min, ...l.max].map((a) => a.buffer as ArrayBuffer))
  }
}

/**
 * Joins the peaks of consecutive segments, in order, into the stream's: the same peaks as one
 * pass over all the frames gives. A segment that does not start where the previous one ended
 * means the stream's frames do not follow each other: damaged (finish() says so, after the
 * caller's own checks of the decode).
 */
export class SegmentPeaksJoiner {
  private readonly resolutions = planPeakLevels(DEFAULT_PEAK_RESOLUTIONS)
  private readonly levels: PeakArrays[]
  private frames = 0
  private broken = false

  constructor(
    private readonly channels: number,
    /** The refusal when the segments do not follow each other. */
    private readonly damaged: string,
    /** The stream's length as its headers give it, when they do: the arrays are made once. */
    expectedFrames = 0,
  ) {
    this.levels = this.resolutions.direct.map(
      (r) => new PeakArrays(channels, Math.ceil(expectedFrames / r)),
    )
  }

  add(segment: SegmentPeaks): void {
    if (segment.frames === 0 || this.broken) return
    if (segment.offset !== this.frames) {
      this.broken = true
      return
    }
    this.resolutions.direct.forEach((framesPerPeak, l) => {
      const into = this.levels[l]!
      const level = segment.levels[l]!
      // The segment's first peak continues the last one joined when a peak straddles the seam.
      const shared = this.frames % framesPerPeak === 0 ? 0 : 1
      into.reserve(level.count - shared)
      for (let c = 0; c < this.channels; c++) {
        const min = into.min[c]!
        const max = into.max[c]!
        if (shared) {
          min[into.count - 1] = Math.min(min[into.count - 1]!, level.min[c]![0]!)
          max[into.count - 1] = Math.max(max[into.count - 1]!, level.max[c]![0]!)
        }
        min.set(level.min[c]!.subarray(shared, level.count), into.count)
        max.set(level.max[c]!.subarray(shared, level.count), into.count)
      }
      into.count += level.count - shared
    })
    this.frames += segment.frames
  }

  /** The stream's peaks; throws when a segment did not start where the one before ended. */
  finish(): Peaks {
    if (this.broken) throw new AudioError('corrupt', this.damaged)
    const direct = this.resolutions.direct.map((framesPerPeak, l) => {
      const level = this.levels[l]!
      const last = level.count - 1
      // As the one-pass builder: a last partial peak of NaNs only shows silence.
      if (this.frames % framesPerPeak !== 0 && last >= 0) {
        for (let c = 0; c < this.channels; c++) {
          if (level.min[c]![last] === Infinity) level.min[c]![last] = 0
          if (level.max[c]![last] === -Infinity) level.max[c]![last] = 0
        }
      }
      // Views, not copies: the arrays are not written again (a long file's are megabytes).
      const view = (arrays: Float32Array[]) => arrays.map((a) => a.subarray(0, level.count))
      return { framesPerPeak, count: level.count, min: view(level.min), max: view(level.max) }
    })
    return assemblePeaks(this.channels, this.frames, direct, this.resolutions.derived)
  }
}
