import { join } from 'node:path'
import {
  decodeAudioFile,
  type DecodedInfo,
  type DecodeFileOptions,
} from '../../../src/main/core/audio/decode'
import { InlineRunner } from '../../../src/main/core/workers/task-runner'
import type { TaskRunner } from '../../../src/main/core/workers/types'
import { ffmpeg, run } from '../../helpers/audio'
import { coreTaskHandlers, type CoreTasks } from '../../../src/main/core/task-table'

/** Decodes a file through the streaming entry point; all chunks joined. A number: chunkBytes. */
export async function decodeFileFully(
  path: string,
  options: number | DecodeFileOptions = {},
): Promise<{ info: DecodedInfo; channels: Float32Array[]; chunks: number }> {
  const stream = decodeAudioFile(
    path,
    typeof options === 'number' ? { chunkBytes: options } : options,
  )
  const info = await stream.info()
  const parts: Float32Array[][] = []
  for await (const chunk of stream.frames()) parts.push(chunk)
  const frames = parts.reduce((n, p) => n + (p[0]?.length ?? 0), 0)
  const channels: Float32Array[] = []
  for (let c = 0; c < info.channels; c++) {
    const ch = new Float32Array(frames)
    let at = 0
    for (const p of parts) {
      ch.set(p[c]!, at)
      at += p[c]!.length
    }
    channels.push(ch)
  }
  return { info, channels, chunks: parts.length }
}

/** Signal-to-noise ratio of `test` against `ref` in dB over all channels (Infinity if equal). */
export function snrDb(ref: Float32Array[], test: Float32Array[]): number {
  let signal = 0
  let noise = 0
  for (let c = 0; c < ref.length; c++) {
    const r = ref[c]!
    const t = test[c]!
    for (let i = 0; i < r.length; i++) {
      signal += r[i]! * r[i]!
      const d = r[i]! - t[i]!
      noise += d * d
    }
  }
  return noise === 0 ? Infinity : 10 * Math.log10(signal / noise)
}

/**
 * A music-like stereo source (a tone on the left, a detuned tone plus pink noise on the right)
 * written as 32-bit float WAV, so that 24-bit encodings keep all their bits.
 */
export function makeSource(
  dir: string,
  rate: number,
  seconds: number,
  name = 'source.wav',
): string {
  const path = join(dir, name)
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:sample_rate=${rate}:duration=${seconds}`,
    '-f',
    'lavfi',
    '-i',
    `anoisesrc=color=pink:amplitude=0.25:sample_rate=${rate}:duration=${seconds}:seed=7`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=661:sample_rate=${rate}:duration=${seconds}`,
    '-filter_complex',
    '[0]volume=0.5[l];[1][2]amix=inputs=2:normalize=0[r];[l][r]join=inputs=2:channel_layout=stereo',
    '-c:a',
    'pcm_f32le',
    path,
  )
  return path
}

/** Runs the tasks in this thread but, like a pool of two workers, two at a time. */
export function inlinePair(): TaskRunner<CoreTasks> {
  const inline = new InlineRunner(coreTaskHandlers)
  return {
    parallelism: 2,
    run: (kind, input) => inline.run(kind, input),
    close: () => inline.close(),
  }
}

/** The packets (FLAC frames, MP3 frames…) of a file as ffprobe sees them: byte position and size. */
export function probePackets(path: string): { pos: number; size: number }[] {
  const { stdout } = run('ffprobe', [
    ...['-v', 'error', '-show_entries', 'packet=pos,size', '-of', 'csv=p=0', path],
  ])
  return stdout
    .toString()
    .trim()
    .split('\n')
    .map((line) => {
      const [size, pos] = line.split(',').map(Number)
      return { pos: pos!, size: size! }
    })
}
