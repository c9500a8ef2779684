import type { TaskAnswer } from '../../../workers/types'
import type { OggDecodedAudio, OggWasmDecoder } from './decode'
import { readRange } from '../../read-range'
import { SegmentPeaksBuilder, type SegmentPeaks } from '../../dsp'

export type OggCodec = 'vorbis' | 'opus'

export interface OggSegmentInput {
  codec: OggCodec
  path: string
  /** The header pages: bytes [0, headerEnd). */
  headerEnd: number
  /** File offset of the first page decoded before the segment (its pre-roll), or `start`. */
  primeStart: number
  /** File offsets of the segment's first page and of the end of its last one. */
  start: number
  end: number
  /** Samples the pre-roll pages decode to (checked), -1 when not known ahead (Vorbis). */
  primed: number
  /** Samples per channel the segment's pages decode to in the one-pass decode. */
  keep: number
  /** The segment ends the stream: its decode runs past `keep` (the end padding), trimmed here. */
  last: boolean
  channels: number
  /** Only the peaks are wanted (see segment-peaks.ts): the segment starts at `offset`. */
  peaks?: { offset: number }
}

export interface OggSegmentOutput {
  /** `keep` samples per channel (none when only the peaks were asked). */
  channels: Float32Array[]
  errors: number
  peaks?: SegmentPeaks
}

/** Input bytes per decode call when only the peaks are wanted: the output stays a few MB. */
const PEAKS_PIECE_BYTES = 1 << 14

/** The bytes of a page header that make the parser hand over the page before it. */
const SYNC_BYTES = 4

/**
 * Decodes a segment of an Ogg Vorbis/Opus file (a worker task, for parallel.ts) on a fresh
 * decoder: the header pages, the pre-roll pages (their output dropped), then the segment's pages.
 */
export async function decodeOggSegment(
  input: OggSegmentInput,
): Promise<TaskAnswer<OggSegmentOutput>> {
  const header = await readRange(input.path, 0, input.headerEnd, 'Ogg')
  const body = await readRange(input.path, input.primeStart, input.end, 'Ogg')
  const decoder = await createWasmDecoder(input.codec)
  let errors = 0
  const take = (out: OggDecodedAudio) => {
    errors += out.errors.length
    return out.samplesDecoded > 0 ? out.channelData.slice(0, input.channels) : []
  }
  // The segment's samples: held for the caller, or when only the peaks are wanted, taken into
  // them piece by piece (never `keep` samples past the segment's end) and dropped.
  const parts: Float32Array[][] = []
  const peaks = input.peaks && new SegmentPeaksBuilder(input.channels, input.peaks.offset)
  let decoded = 0
  const sink = (part: Float32Array[]) => {
    const length = part[0]?.length ?? 0
    if (!peaks) parts.push(part)
    else if (decoded < input.keep) {
      peaks.push(part.map((ch) => ch.subarray(0, Math.min(length, input.keep - decoded))))
    }
    decoded += length
  }
  try {
    take(await decoder.decode(header))
    // The codec parser hands a page over once the next one starts: up to the segment's sync.
    const split = input.start - input.primeStart + SYNC_BYTES
    const primed = take(await decoder.decode(body.subarray(0, split)))
    const primedLength = primed[0]?.length ?? 0
    if (input.primed >= 0 && primedLength !== input.primed) {
      throw new Error(
        `an Ogg pre-roll decoded to ${primedLength} samples instead of ${input.primed}`,
      )
    }
    const piece = peaks ? PEAKS_PIECE_BYTES : body.length
    for (let at = split; at < body.length; at += piece) {
      sink(take(await decoder.decode(body.subarray(at, at + piece))))
    }
    sink(take(await decoder.flush()))
  } finally {
    decoder.free()
  }
  if (input.last ? decoded < input.keep : decoded !== input.keep) {
    throw new Error(`an Ogg segment decoded to ${decoded} samples instead of ${input.keep}`)
  }
  if (peaks) {
    const value = { channels: [], errors, peaks: peaks.finish() }
    return { value, transfer: SegmentPeaksBuilder.buffers(value.peaks) }
  }
  const channels = Array.from({ length: input.channels }, (_, c) => {
    const out = new Float32Array(input.keep)
    let at = 0
    for (const part of parts) {
      const ch = part[c]
      if (!ch) continue
      out.set(ch.subarray(0, Math.min(ch.length, input.keep - at)), at)
      at += ch.length
      if (at >= input.keep) break
    }
    return out
  })
  return { value: { channels, errors }, transfer: channels.map((ch) => ch.buffer) }
}

async function createWasmDecoder(codec: OggCodec): Promise<OggWasmDecoder> {
  // Dynamic imports: the packages are ESM-only and the main process bundle is CommonJS.
  if (codec === 'vorbis') {
    const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis')
    const decoder = new OggVorbisDecoder()
    await decoder.ready
    return decoder
  }
  const { OggOpusDecoder } = await import('ogg-opus-decoder')
  const decoder = new OggOpusDecoder({ forceStereo: false })
  await decoder.ready
  return decoder
}

/** Decodes a run of pages of an Ogg Vorbis/Opus file (for parallel.ts). */
export interface OggSegmentTask {
  'audio-decode-ogg-segment': { input: OggSegmentInput; output: OggSegmentOutput }
}
