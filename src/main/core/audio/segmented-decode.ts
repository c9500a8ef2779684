import type { TaskRunner } from '../workers/tasks'
import type { DecodedInfo } from './decode'
import { decodeFlacSegments, planFlacSegments } from './flac-parallel'
import { decodeMp3Segments, planMp3Segments } from './mp3-parallel'

/** A file to decode on worker threads when its format allows. */
export interface ParallelSource {
  path: string
  tasks: TaskRunner
  segmentSeconds: number | undefined
}

/** A file decoded in segments on worker threads: what it holds, and its decode. */
export interface Segmented {
  info: DecodedInfo
  decode(): AsyncGenerator<Float32Array[]>
}

/** Plans the decode of an MP3 or FLAC file in segments; undefined when it takes one pass. */
export async function planSegments(
  format: 'mp3' | 'flac',
  { path, tasks, segmentSeconds }: ParallelSource,
): Promise<Segmented | undefined> {
  if (format === 'mp3') {
    const plan = await planMp3Segments(path, segmentSeconds)
    if (!plan) return undefined
    const { sampleRate, channels, expectedFrames } = plan
    return {
      info: {
        format,
        sampleRate,
        channels,
        ...(expectedFrames !== undefined && { expectedFrames }),
      },
      decode: () => decodeMp3Segments(plan, tasks),
    }
  }
  const plan = await planFlacSegments(path, segmentSeconds)
  if (!plan) return undefined
  const { sampleRate, channels, totalSamples } = plan.info
  return {
    info: { format, sampleRate, channels, expectedFrames: totalSamples },
    decode: () => decodeFlacSegments(plan, tasks),
  }
}
