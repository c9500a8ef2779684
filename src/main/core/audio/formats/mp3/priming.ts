import type { Mp3FrameIndex } from './frame-index'

/*
 * Decoding an MP3 from a frame in the middle so that the output equals a decode from the start.
 * A frame's output depends on the frames before it through two pieces of decoder state:
 *  - the layer III bit reservoir: a frame's main data may start up to 511 bytes back, in earlier
 *    frames (main_data_begin);
 *  - the layer III IMDCT overlap with the previous granule, and the synthesis filter's history
 *    of 16 slots of 32 samples: one frame back for MPEG-1, two for MPEG-2/2.5.
 * So a segment is decoded from frame `prime` before its first frame `from`, far enough back that
 * the two frames before `from` have all their data. Frames whose reservoir bytes precede `prime`
 * are decoded by FFmpeg with the granules it lacks data for silent; their output is dropped, and
 * nothing of them reaches `from` (FFmpeg's synthesis sums in the same order wherever its ring
 * buffer stands, unlike mpg123's, so no frame phase has to match either).
 */

/**
 * Priming starts at multiples of this many frames (segments are multiples of it too): the search
 * for a start steps back this far at a time.
 */
export const PRIME_STEP = 16

/**
 * How far back priming may start, in frames: a stream whose every frame reaches back further
 * than the frame before it holds (low bit rates keep the reservoir full) never primes, and the
 * search must not walk back to the file's start for each segment.
 */
export const MAX_PRIME_FRAMES = 16 * PRIME_STEP

/**
 * The frame to start decoding at for a segment starting at frame `from`: PRIME_STEP-aligned,
 * and early enough that frames from - 2 and from - 1 get their whole bit reservoir. Undefined
 * when no such frame lies within MAX_PRIME_FRAMES (the file then decodes in one pass).
 */
export function primingStart(index: Mp3FrameIndex, from: number): number | undefined {
  if (from < PRIME_STEP) return 0
  const latest = from - PRIME_STEP - (from % PRIME_STEP)
  if (!index.layer3) return latest
  for (let prime = latest; prime >= latest - MAX_PRIME_FRAMES; prime -= PRIME_STEP) {
    if (prime <= 0) return 0
    let reservoir = 0
    let starved = false
    for (let j = prime; j <= from - 2; j++) {
      const back = index.reservoirBack[j]!
      starved = back > reservoir
      const payload = index.offsets[j + 1]! - index.offsets[j]! - 4 - index.sideInfo
      reservoir = (starved ? 0 : back) + payload
    }
    if (!starved) return prime
  }
  return undefined
}
