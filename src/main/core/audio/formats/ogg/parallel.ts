import type { TaskRunner } from '../../../workers/types'
import { AudioError } from '../../audio-error'
import { checkLength } from '../../audio-limits'
import { readOpusHeader } from './opus'
import { readVorbisHeader } from './vorbis'
import { FileWindow } from '../../file-window'
import { indexOggPages, type OggPageIndex } from './page-index'
import type { OggCodec } from './ffmpeg'
import type { OggSegmentInput, OggSegmentTask } from './segment-task'
import { resultsInOrder } from '../../../workers/results-in-order'
import { SegmentPeaksJoiner } from '../../dsp'

/** Audio per worker task: long enough that the pre-roll costs little, short enough for memory. */
export const OGG_SEGMENT_SECONDS = 20

/** Opus pre-roll (RFC 7845 §4.6): decoding this much before a segment makes its start converge. */
const OPUS_PREROLL = 3840

/** How an Ogg Vorbis/Opus file is decoded in segments on worker threads (plain data). */
export interface OggSegmentPlan {
  codec: OggCodec
  sampleRate: number
  channels: number
  inputs: OggSegmentInput[]
}

/**
 * Plans the decode of an Ogg Vorbis or Opus file in segments of about `segmentSeconds`, cut at
 * page boundaries where a packet ends, or returns undefined when it must be decoded in one pass
 * (too short, or not one clean logical stream: see indexOggPages). A segment but the first starts
 * its decoder on the pages before it: Vorbis needs the packet before (block overlap), Opus 80 ms.
 */
export async function planOggSegments(
  path: string,
  codec: OggCodec,
  segmentSeconds = OGG_SEGMENT_SECONDS,
): Promise<OggSegmentPlan | undefined> {
  const index = await indexOggPages(path, codec === 'vorbis' ? 3 : 2)
  if (!index) return undefined
  const head = await readHead(path, index)
  const format = codec === 'vorbis' ? readVorbisHeader(head) : readOpusHeader(head)
  if (!format) return undefined
  // Opus granules count at 48 kHz after the header's pre-skip; Vorbis granules count samples.
  const preSkip =
    codec === 'opus' ? head[27 + head[26]! + 10]! | (head[27 + head[26]! + 11]! << 8) : 0
  const { granules, closed, offsets, firstAudio } = index
  const pages = granules.length
  const perSegment = segmentSeconds * format.sampleRate
  // Segment starts: pages whose previous page ends a packet, about perSegment samples apart.
  const starts = [firstAudio]
  let last = 0
  for (let p = firstAudio + 1; p < pages; p++) {
    const before = granules[p - 1]!
    if (closed[p - 1] && before >= 0 && before - last >= perSegment) {
      starts.push(p)
      last = before
    }
  }
  // A short last segment joins the one before.
  if (starts.length > 1 && granules[pages - 1]! - last < perSegment / 2) starts.pop()
  if (starts.length < 2) return undefined
  const origin = (p: number) => (p <= firstAudio ? 0 : granules[p - 1]!)
  const inputs: OggSegmentInput[] = []
  for (let k = 0; k < starts.length; k++) {
    const s = starts[k]!
    const e = k + 1 < starts.length ? starts[k + 1]! : pages
    let prime = s
    if (k > 0) {
      // Back to a page that starts with a whole packet, and (Opus) 80 ms and the pre-skip back.
      const need = codec === 'opus' ? OPUS_PREROLL + preSkip : 1
      prime = s - 1
      while (prime > firstAudio && (!closed[prime - 1] || origin(s) - origin(prime) < need)) {
        prime--
      }
      if (origin(s) - origin(prime) < need) return undefined
    }
    const end = e < pages ? granules[e - 1]! : granules[pages - 1]!
    inputs.push({
      codec,
      path,
      headerEnd: offsets[firstAudio]!,
      primeStart: offsets[prime]!,
      start: offsets[s]!,
      end: offsets[e]!,
      // A fresh Opus decoder drops the pre-skip from what it decodes first.
      primed: k === 0 ? 0 : codec === 'opus' ? origin(s) - origin(prime) - preSkip : -1,
      keep: end - origin(s) - (k === 0 ? preSkip : 0),
      last: e === pages,
      channels: format.channels,
    })
  }
  return { codec, sampleRate: format.sampleRate, channels: format.channels, inputs }
}

/**
 * Decodes a planned Ogg file: its segments run on `tasks` and come out in order. Throws the
 * one-pass decode's AudioError when the decoder reported damage.
 */
export async function* decodeOggSegments(
  plan: OggSegmentPlan,
  tasks: TaskRunner<OggSegmentTask>,
): AsyncGenerator<Float32Array[]> {
  const { inputs } = plan
  const results = resultsInOrder(inputs.length, tasks, (k) =>
    tasks.run('audio-decode-ogg-segment', inputs[k]!),
  )
  let errors = 0
  for await (const out of results) {
    errors += out.errors
    if (out.channels[0]!.length > 0) yield out.channels
  }
  if (errors > 0) {
    const name = plan.codec === 'vorbis' ? 'Vorbis' : 'Opus'
    throw new AudioError('corrupt', `the ${name} stream is damaged`)
  }
}

/**
 * The peaks of a planned Ogg file (an import's check): each segment's worker computes its own,
 * and only they cross to this thread. Throws the one-pass decode's AudioError when the decoder
 * reported damage.
 */
export async function oggSegmentPeaks(
  plan: OggSegmentPlan,
  tasks: TaskRunner<OggSegmentTask>,
): Promise<SegmentPeaksJoiner> {
  const { inputs } = plan
  const name = plan.codec === 'vorbis' ? 'Vorbis' : 'Opus'
  // Every segment decodes to its `keep` samples (the task checks it): they follow each other.
  const offsets: number[] = []
  let length = 0
  for (const input of inputs) {
    offsets.push(length)
    length += input.keep
  }
  // The granules give the length: a stream beyond the limit is refused before any decoding.
  checkLength(length, plan.sampleRate)
  const joined = new SegmentPeaksJoiner(plan.channels, `the ${name} stream is damaged`, length)
  const results = resultsInOrder(
    inputs.length,
    tasks,
    (k) => tasks.run('audio-decode-ogg-segment', { ...inputs[k]!, peaks: { offset: offsets[k]! } }),
    1,
  )
  let errors = 0
  for await (const out of results) {
    errors += out.errors
    joined.add(out.peaks!)
  }
  if (errors > 0) throw new AudioError('corrupt', `the ${name} stream is damaged`)
  return joined
}

/** The first page (identification header), for rate and channels. */
async function readHead(path: string, index: OggPageIndex): Promise<Uint8Array> {
  const file = await FileWindow.open(path, 1 << 12)
  try {
    const at = await file.at(0, index.offsets[1]!)
    return file.bytes.slice(at, at + index.offsets[1]!)
  } finally {
    await file.close()
  }
}
