import { frameLength, isFrameHeader, mainDataBegin, sideInfoLength } from './header'
import type { Mp3FrameIndex } from './frame-index'

/*
 * Decoding an MP3 from a frame in the middle so that the output equals a decode from the start.
 * A frame's output depends on the frames before it through three pieces of decoder state:
 *  - the layer III bit reservoir: a frame's main data may start up to 511 bytes back, in earlier
 *    frames (main_data_begin);
 *  - the layer III IMDCT overlap with the previous granule, and the synthesis filter's history
 *    of 16 slots of 32 samples: one frame back for MPEG-1, two for MPEG-2/2.5;
 *  - the phase of mpg123's synthesis ring buffer, which advances one step per slot modulo 16
 *    and sets the order in which it sums (the last float bits differ with another phase).
 * So a segment is decoded from PRIME_STEP-aligned frame `prime` before its first frame `from`:
 * the phase then matches as long as every frame goes through the synthesis. Frames whose
 * reservoir bytes precede `prime` would be decoded from garbage (and mpg123 may then skip their
 * synthesis): they are rewritten into silent frames that need no reservoir (silenceStarvedFrames).
 * `prime` lies far enough back that the two frames before `from` have all their data.
 */

/**
 * Priming starts at multiples of this many frames: the synthesis phase advances by the frame's
 * samples / 32 slots a frame, modulo 16, so it is the same every 16 frames whatever their size.
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

/**
 * Rewrites, in place, the layer III frames of `bytes` (a run of whole frames, decoded on a fresh
 * decoder) whose main data reaches back before what the decoder holds into silent frames that
 * need no reservoir: side information zero but for a global gain, which also keeps mpg123 from
 * taking the first frame for a Xing/Info tag frame (all zero side information). mpg123 holds for
 * a frame the bytes the previous frame reached back for and that frame's own main data, so a
 * rewritten frame passes on its main data alone. Returns how many frames it rewrote.
 */
export function silenceStarvedFrames(bytes: Uint8Array): number {
  let rewritten = 0
  let reservoir = 0
  for (let at = 0; isFrameHeader(bytes, at);) {
    const length = frameLength(bytes, at)
    if (length === 0 || at + length > bytes.length) break
    const side = sideInfoLength(bytes, at)
    let back = mainDataBegin(bytes, at)
    if (back > reservoir) {
      silenceFrame(bytes, at, side)
      back = 0
      rewritten++
    }
    reservoir = back + length - 4 - side
    at += length
  }
  return rewritten
}

function silenceFrame(bytes: Uint8Array, at: number, side: number): void {
  const info = at + 4
  bytes.fill(0, info, info + side)
  // Bits before granule 0 / channel 0's global_gain: main_data_begin, private bits and (MPEG-1)
  // scfsi, then part2_3_length (12) and big_values (9).
  const mpeg1 = ((bytes[at + 1]! >> 3) & 3) === 3
  const mono = bytes[at + 3]! >> 6 === 3
  const head = mpeg1 ? (mono ? 18 : 20) : mono ? 9 : 10
  writeBits(bytes, info, head + 21, 8, 210)
}

function writeBits(bytes: Uint8Array, base: number, bit: number, count: number, value: number) {
  for (let k = 0; k < count; k++) {
    const b = bit + k
    const mask = 0x80 >> (b & 7)
    const at = base + (b >> 3)
    if ((value >> (count - 1 - k)) & 1) bytes[at] = bytes[at]! | mask
    else bytes[at] = bytes[at]! & ~mask
  }
}
