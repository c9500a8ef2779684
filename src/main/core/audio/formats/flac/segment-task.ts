import { stat } from 'node:fs/promises'
import type { TaskAnswer } from '../../../workers/types'
import { AudioError } from '../../audio-error'
import { readRange, readRangePieces } from '../../read-range'
import { FfmpegFlacDecoder } from './ffmpeg'
import { findFrame, frameFirstSample } from './frame-sync'
import { SegmentPeaksBuilder, type SegmentPeaks } from '../../dsp'

export interface FlacSegmentInput {
  path: string
  /** File offsets bounding the segment: it holds the frames that start in [from, to). */
  from: number
  to: number
  /** True for the last segment, which runs to the end of the file. */
  last: boolean
  /** STREAMINFO's largest frame, in bytes. */
  maxFrame: number
  /** The most frames per channel the segment can hold by STREAMINFO (its smallest frame). */
  maxFrames: number
  /** The STREAMINFO block the decoder opens on (header.ts streamInfoBlock). */
  streamInfo: Uint8Array
  channels: number
  /**
   * Only the peaks are wanted (see segment-peaks.ts): of the frames before STREAMINFO's length,
   * placed in the stream by the first frame's number (frames of `blockSize` samples when the
   * stream's block size is fixed).
   */
  peaks?: { totalSamples: number; blockSize: number }
}

export interface FlacSegmentOutput {
  /** Planar chunks, in order (none when only the peaks were asked). */
  chunks: Float32Array[][]
  decoded: number
  /** Errors the decoder reported. */
  errors: number
  peaks?: SegmentPeaks
}

/** Input bytes read and decoded at a time: under a second of CD-quality audio. */
const PIECE_BYTES = 1 << 16

/**
 * Decodes the frames of a native FLAC file that start in a range of bytes (a worker task, for
 * parallel.ts). FLAC frames decode independently: the only concern is to cut the file
 * between the same frames as the neighbouring segments do, which frameBoundary sees to. The
 * frames are read and decoded a piece at a time into the same buffers; for the peaks, the
 * samples go to them straight from the decoder's memory, so nothing is left for the garbage
 * collector.
 */
export async function decodeFlacSegment(
  input: FlacSegmentInput,
): Promise<TaskAnswer<FlacSegmentOutput>> {
  const { start, stop, head } = await segmentFrames(input)
  const wanted = input.peaks
  const offset =
    wanted && stop > start ? frameFirstSample(head, start - input.from, wanted.blockSize) : 0
  const peaks = wanted && new SegmentPeaksBuilder(input.channels, offset)
  const chunks: Float32Array[][] = []
  let decoded = 0
  let errors = 0
  const visit = (part: Float32Array[]) => {
    // Never past STREAMINFO's length (a stray frame after the end), as decodeFlacSegments.
    if (peaks) peaks.push(part, 0, wanted.totalSamples - offset - decoded)
    else chunks.push(part.map((ch) => ch.slice()))
    decoded += part[0]!.length
    // Frames smaller than STREAMINFO's smallest: a header that lies (a bomb's, maybe).
    if (decoded > input.maxFrames) {
      throw new AudioError('corrupt', 'the FLAC stream holds more audio than its header says')
    }
  }
  // A segment shorter than a frame may hold none.
  if (stop > start) {
    const decoder = new FfmpegFlacDecoder(input.streamInfo, input.channels)
    try {
      for await (const piece of readRangePieces(input.path, start, stop, 'FLAC', PIECE_BYTES)) {
        errors += decoder.decodeEach(piece, visit).errors
      }
      errors += decoder.endEach(visit).errors
    } finally {
      decoder.free()
    }
  }
  if (peaks) {
    const value = { chunks, decoded, errors, peaks: peaks.finish() }
    return { value, transfer: SegmentPeaksBuilder.buffers(value.peaks) }
  }
  return {
    value: { chunks, decoded, errors },
    transfer: chunks.flat().map((ch) => ch.buffer as ArrayBuffer),
  }
}

/** Bytes after a segment boundary in which its first frame is looked for and checked. */
function boundaryBytes(maxFrame: number): number {
  return 2 * maxFrame + 64
}

/**
 * The file offsets of the segment's first frame and of the end of its last, and the bytes read
 * from `input.from` to find the first (a frame header's length more, to read its number).
 */
async function segmentFrames(
  input: FlacSegmentInput,
): Promise<{ start: number; stop: number; head: Uint8Array }> {
  const { size } = await stat(input.path)
  const look = boundaryBytes(input.maxFrame)
  const span = async (offset: number, extra: number) =>
    readRange(input.path, offset, Math.max(offset, Math.min(size, offset + look + extra)), 'FLAC')
  const head = await span(input.from, 16)
  const start = input.from + frameBoundary(head, input.from, size, input.maxFrame)
  const stop = input.last
    ? size
    : input.to + frameBoundary(await span(input.to, 0), input.to, size, input.maxFrame)
  return { start, stop, head }
}

/**
 * Index in `bytes` (read from file offset `offset`) of the first frame at or after `offset`.
 * Looks only at the boundaryBytes after `offset`, so that the two segments that share a
 * boundary, reading different spans, place it alike; when no frame shows there (damaged data),
 * the boundary is the end of that span.
 */
function frameBoundary(bytes: Uint8Array, offset: number, size: number, maxFrame: number): number {
  const look = boundaryBytes(maxFrame)
  const span = bytes.subarray(0, look)
  const endOfFile = offset + look >= size
  const found = findFrame(span, { from: 0, to: span.length, maxFrame, endOfFile })
  return found < 0 ? span.length : found
}

/** Decodes the frames in a range of a FLAC file (for parallel.ts). */
export interface FlacSegmentTask {
  'audio-decode-flac-segment': { input: FlacSegmentInput; output: FlacSegmentOutput }
}
