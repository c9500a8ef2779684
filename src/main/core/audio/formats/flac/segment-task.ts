import { open } from 'node:fs/promises'
import type { FLACDecodedAudio } from '@wasm-audio-decoders/flac'
import type { TaskAnswer } from '../../../workers/types'
import { AudioError } from '../../audio-error'
import { endOfStream, FLAC_SLICE_SAMPLES, rescaleFlacOutput } from './decode'
import { findFrame, flacSlices, frameFirstSample } from './frame-sync'
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
  bitsPerSample: number
  /**
   * Only the peaks are wanted (see segment-peaks.ts): of the frames before STREAMINFO's length,
   * placed in the stream by the first frame's number (frames of `blockSize` samples when the
   * stream's block size is fixed).
   */
  peaks?: { totalSamples: number; blockSize: number; channels: number }
}

export interface FlacSegmentOutput {
  /** Planar chunks, in order (none when only the peaks were asked). */
  chunks: Float32Array[][]
  decoded: number
  /** Errors the decoder reported. */
  errors: number
  peaks?: SegmentPeaks
}

/**
 * Decodes the frames of a native FLAC file that start in a range of bytes (a worker task, for
 * parallel.ts). FLAC frames decode independently: the only concern is to cut the file
 * between the same frames as the neighbouring segments do, which frameBoundary sees to.
 */
export async function decodeFlacSegment(
  input: FlacSegmentInput,
): Promise<TaskAnswer<FlacSegmentOutput>> {
  const look = boundaryBytes(input.maxFrame)
  const handle = await open(input.path, 'r')
  let bytes: Uint8Array
  let size: number
  try {
    size = (await handle.stat()).size
    const end = input.last ? size : Math.min(size, input.to + look)
    bytes = new Uint8Array(Math.max(0, end - input.from))
    let filled = 0
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(
        bytes,
        filled,
        bytes.length - filled,
        input.from + filled,
      )
      if (bytesRead === 0) throw new Error('the FLAC file became shorter while it was decoded')
      filled += bytesRead
    }
  } finally {
    await handle.close()
  }
  const start = frameBoundary(bytes, 0, input.from, size, input.maxFrame)
  const stop = input.last
    ? bytes.length
    : frameBoundary(bytes, input.to - input.from, input.to, size, input.maxFrame)

  // Dynamic import: the package is ESM-only and the main process bundle is CommonJS.
  const { FLACDecoder } = await import('@wasm-audio-decoders/flac')
  const decoder = new FLACDecoder()
  await decoder.ready
  const chunks: Float32Array[][] = []
  let decoded = 0
  let errors = 0
  const wanted = input.peaks
  const offset = wanted && stop > start ? frameFirstSample(bytes, start, wanted.blockSize) : 0
  const peaks = wanted && new SegmentPeaksBuilder(wanted.channels, offset)
  const take = (out: FLACDecodedAudio) => {
    errors += out.errors.length
    if (out.samplesDecoded === 0) return
    rescaleFlacOutput(out, input.bitsPerSample)
    if (!peaks) chunks.push(out.channelData)
    else {
      // Never past STREAMINFO's length (a stray frame after the end), as decodeFlacSegments.
      const keep = Math.min(out.samplesDecoded, wanted.totalSamples - offset - decoded)
      if (keep > 0) peaks.push(out.channelData.map((ch) => ch.subarray(0, keep)))
    }
    decoded += out.samplesDecoded
  }
  try {
    // A segment shorter than a frame may hold none. As at the end of a stream, the mark makes
    // the parser pass on the last frame.
    if (stop > start) {
      for (const slice of flacSlices(bytes.subarray(start, stop), FLAC_SLICE_SAMPLES)) {
        take(await decoder.decode(slice))
        // Frames smaller than STREAMINFO's smallest: a header that lies (a bomb's, maybe).
        if (decoded > input.maxFrames) {
          throw new AudioError('corrupt', 'the FLAC stream holds more audio than its header says')
        }
      }
      take(await decoder.decode(endOfStream()))
    }
  } finally {
    decoder.free()
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
 * Index in `bytes` (read from file offset `offset - at`) of the first frame at or after file
 * offset `offset`. Looks only at the boundaryBytes after `offset`, so that the two segments that
 * share a boundary, reading different spans, place it alike; when no frame shows there (damaged
 * data), the boundary is the end of that span.
 */
function frameBoundary(
  bytes: Uint8Array,
  at: number,
  offset: number,
  size: number,
  maxFrame: number,
): number {
  const look = boundaryBytes(maxFrame)
  const span = bytes.subarray(at, at + look)
  const endOfFile = offset + look >= size
  const found = findFrame(span, { from: 0, to: span.length, maxFrame, endOfFile })
  return at + (found < 0 ? span.length : found)
}

/** Decodes the frames in a range of a FLAC file (for parallel.ts). */
export interface FlacSegmentTask {
  'audio-decode-flac-segment': { input: FlacSegmentInput; output: FlacSegmentOutput }
}
