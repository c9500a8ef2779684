import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { afterAll, describe, it } from 'vitest'
import { decodeAudioFile } from '../src/main/core/audio/decode'
import { encodeFlac } from '../src/main/core/audio/formats/flac/encode'
import { PeaksBuilder } from '../src/main/core/audio/dsp/peaks'
import type { TaskRunner } from '../src/main/core/workers/types'
import { WorkerPool } from '../src/main/core/workers/worker-pool'
import { workerScript } from '../tests/helpers/worker-script'
import type { CoreTasks } from '../src/main/core/task-table'

// Decoding speed against ffmpeg in the same run (medians of 3). No assertions on timing: the
// figures are printed for the closing notes (target: ≤ 2× ffmpeg; the import has import.bench.ts).

const dir = mkdtempSync(join(tmpdir(), 'musicsketch-bench-decode-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function tool(cmd: string, args: string[]): void {
  const res = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  if (res.status !== 0) throw new Error(`${cmd} failed: ${res.stderr.toString()}`)
}

function ffmpeg(...args: string[]): void {
  tool('ffmpeg', ['-hide_banner', '-v', 'error', '-y', ...args])
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[sorted.length >> 1]!
}

async function timeAsync(fn: () => Promise<void>): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < 3; i++) {
    const t = performance.now()
    await fn()
    times.push(performance.now() - t)
  }
  return median(times)
}

function timeSync(fn: () => void): number {
  const times: number[] = []
  for (let i = 0; i < 3; i++) {
    const t = performance.now()
    fn()
    times.push(performance.now() - t)
  }
  return median(times)
}

async function decodeAll(
  path: string,
  peaks?: boolean,
  tasks?: TaskRunner<CoreTasks>,
): Promise<number> {
  const stream = decodeAudioFile(path, { tasks })
  const info = await stream.info()
  const builder = peaks ? new PeaksBuilder(info.channels, undefined, info.expectedFrames) : null
  let frames = 0
  for await (const chunk of stream.frames()) {
    builder?.push(chunk)
    frames += chunk[0]!.length
  }
  builder?.finish()
  return frames * info.channels
}

function ffmpegDecodeTime(path: string): number {
  return timeSync(() =>
    tool('ffmpeg', ['-v', 'error', '-threads', '1', '-i', path, '-f', 'f32le', '-y', '/dev/null']),
  )
}

describe('decode benchmark', () => {
  it('decodes 5-minute MP3, FLAC, Ogg Vorbis and Ogg Opus against ffmpeg', async () => {
    // Music-like: pink noise plus two tones, 5 minutes, 44.1 kHz stereo.
    const src = join(dir, 'src.wav')
    ffmpeg(
      '-f',
      'lavfi',
      '-i',
      'anoisesrc=color=pink:amplitude=0.3:sample_rate=44100:duration=300:seed=1',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=220:sample_rate=44100:duration=300',
      '-filter_complex',
      '[0][1]amerge=inputs=2,pan=stereo|c0=c0+0.3*c1|c1=0.8*c0+0.3*c1',
      '-c:a',
      'pcm_s16le',
      src,
    )
    const mp3 = join(dir, 'five.mp3')
    ffmpeg('-i', src, '-c:a', 'libmp3lame', '-b:a', '192k', mp3)
    const flac = join(dir, 'five.flac')
    ffmpeg('-i', src, '-c:a', 'flac', flac)
    const vorbis = join(dir, 'five.ogg')
    ffmpeg('-i', src, '-c:a', 'libvorbis', '-q:a', '5', vorbis)
    const opus = join(dir, 'five.opus')
    ffmpeg('-i', src, '-c:a', 'libopus', '-b:a', '128k', opus)
    const loadBefore = load()

    const rows: string[][] = [['file', 'ours (ms)', 'ffmpeg (ms)', 'ratio', 'M samples/s']]
    // As in the app: decoding may use worker threads (the pool starts its workers on first use).
    const pool = new WorkerPool<CoreTasks>(workerScript())
    try {
      for (const [label, path] of [
        ['MP3 5 min 44.1k stereo', mp3],
        ['FLAC 5 min 44.1k stereo', flac],
        ['Ogg Vorbis q5 5 min 44.1k stereo', vorbis],
        ['Ogg Opus 128k 5 min stereo', opus],
      ] as const) {
        let samples = 0
        const ours = await timeAsync(async () => {
          samples = await decodeAll(path, false, pool)
        })
        const ref = ffmpegDecodeTime(path)
        rows.push([
          label,
          ours.toFixed(0),
          ref.toFixed(0),
          `${(ours / ref).toFixed(2)}×`,
          (samples / ours / 1000).toFixed(0),
        ])
      }
    } finally {
      await pool.close()
    }
    // FLAC encoding (stems export) of the 5-minute source at 24 bits, against ffmpeg's encoder.
    const pcm = await collect(src)
    const encodeTime = timeSync(() => {
      encodeFlac(pcm, 44100, 24)
    })
    const encodeRef = timeSync(() =>
      tool('ffmpeg', [
        '-v',
        'error',
        '-threads',
        '1',
        '-i',
        src,
        '-c:a',
        'flac',
        '-sample_fmt',
        's32',
        '-f',
        'flac',
        '-y',
        '/dev/null',
      ]),
    )
    rows.push([
      'FLAC encode 5 min stereo 24-bit',
      encodeTime.toFixed(0),
      encodeRef.toFixed(0),
      `${(encodeTime / encodeRef).toFixed(2)}×`,
      ((pcm[0]!.length * 2) / encodeTime / 1000).toFixed(0),
    ])

    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
    console.log(
      `\nload ${loadBefore} → ${load()}\n` +
        rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')).join('\n'),
    )
  }, 1_200_000) // Four formats and an encode, 3 rounds each, against ffmpeg: long on a busy machine.
})

async function collect(path: string): Promise<Float32Array[]> {
  const stream = decodeAudioFile(path)
  const info = await stream.info()
  const parts: Float32Array[][] = []
  for await (const chunk of stream.frames()) parts.push(chunk)
  const frames = parts.reduce((n, p) => n + p[0]!.length, 0)
  return Array.from({ length: info.channels }, (_, c) => {
    const ch = new Float32Array(frames)
    let at = 0
    for (const p of parts) {
      ch.set(p[c]!, at)
      at += p[c]!.length
    }
    return ch
  })
}
