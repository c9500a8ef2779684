import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
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

// Decoding speed against ffmpeg in the same run (medians of 3): wall time, and CPU time (ours: the
// whole process with its worker threads; ffmpeg: the child's). No assertions on timing: the
// figures are printed for the closing notes (target: ≤ 1.5× ffmpeg -threads 1; the import has
// import.bench.ts).

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

/** Wall and CPU milliseconds of one run. */
interface Cost {
  wall: number
  cpu: number
}

/** CPU milliseconds of this process, all threads (workers included). */
function ownCpu(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/** CPU milliseconds of the children this process has waited for (Linux: /proc, 100 ticks/s). */
function childrenCpu(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // Fields 16 and 17 of proc(5) (cutime, cstime), counted from the state, field 3.
  return (Number(fields[13]) + Number(fields[14])) * 10
}

function medianCost(costs: Cost[]): Cost {
  return { wall: median(costs.map((c) => c.wall)), cpu: median(costs.map((c) => c.cpu)) }
}

async function timeAsync(fn: () => Promise<void>): Promise<Cost> {
  const costs: Cost[] = []
  for (let i = 0; i < 3; i++) {
    const t = performance.now()
    const cpu = ownCpu()
    await fn()
    costs.push({ wall: performance.now() - t, cpu: ownCpu() - cpu })
  }
  return medianCost(costs)
}

function timeSync(fn: () => void, cpuOf: () => number = ownCpu): Cost {
  const costs: Cost[] = []
  for (let i = 0; i < 3; i++) {
    const t = performance.now()
    const cpu = cpuOf()
    fn()
    costs.push({ wall: performance.now() - t, cpu: cpuOf() - cpu })
  }
  return medianCost(costs)
}

/** A table row: ours and the reference, wall and CPU, and their ratios. */
function costRow(label: string, ours: Cost, ref: Cost, samples: number): string[] {
  return [
    label,
    ours.wall.toFixed(0),
    ref.wall.toFixed(0),
    `${(ours.wall / ref.wall).toFixed(2)}×`,
    ours.cpu.toFixed(0),
    ref.cpu.toFixed(0),
    `${(ours.cpu / ref.cpu).toFixed(2)}×`,
    (samples / ours.wall / 1000).toFixed(0),
  ]
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

function ffmpegDecodeTime(path: string): Cost {
  return timeSync(
    () =>
      tool('ffmpeg', [
        '-v',
        'error',
        '-threads',
        '1',
        '-i',
        path,
        '-f',
        'f32le',
        '-y',
        '/dev/null',
      ]),
    childrenCpu,
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

    const rows: string[][] = [
      [
        'file',
        'ours (ms)',
        'ffmpeg (ms)',
        'wall ratio',
        'ours CPU (ms)',
        'ffmpeg CPU (ms)',
        'CPU ratio',
        'M samples/s',
      ],
    ]
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
        rows.push(costRow(label, ours, ffmpegDecodeTime(path), samples))
      }
    } finally {
      await pool.close()
    }
    // FLAC encoding (stems export) of the 5-minute source at 24 bits, against ffmpeg's encoder.
    const pcm = await collect(src)
    const encodeTime = timeSync(() => {
      encodeFlac(pcm, 44100, 24)
    })
    const encodeRef = timeSync(
      () =>
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
      childrenCpu,
    )
    rows.push(costRow('FLAC encode 5 min stereo 24-bit', encodeTime, encodeRef, pcm[0]!.length * 2))

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
