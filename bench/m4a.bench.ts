import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { afterAll, describe, it } from 'vitest'
import { decodeAudioFile } from '../src/main/core/audio/decode'

// M4A (AAC-LC) decoding against ffmpeg in the same run: wall time (medians of 3) and CPU time,
// with the machine's load printed, since a shared machine's wall times swing. No assertions on
// timing (target: ≤ 2× `ffmpeg -threads 1 -f f32le`).

const dir = mkdtempSync(join(tmpdir(), 'musicsketch-bench-m4a-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function ffmpeg(...args: string[]): void {
  const res = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-y', ...args])
  if (res.status !== 0) throw new Error(`ffmpeg failed: ${res.stderr.toString()}`)
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[values.length >> 1]!
}

/** Wall and CPU milliseconds of our decode (this thread does all of it). */
async function ours(path: string): Promise<{ wall: number; cpu: number; frames: number }> {
  const walls: number[] = []
  const cpus: number[] = []
  let frames = 0
  for (let i = 0; i < 3; i++) {
    const cpu = process.cpuUsage()
    const t = performance.now()
    frames = 0
    for await (const chunk of decodeAudioFile(path).frames()) frames += chunk[0]!.length
    walls.push(performance.now() - t)
    const used = process.cpuUsage(cpu)
    cpus.push((used.user + used.system) / 1000)
  }
  return { wall: median(walls), cpu: median(cpus), frames }
}

/** Wall and CPU milliseconds of `ffmpeg -threads 1` decoding to f32le (GNU time for the CPU). */
function reference(path: string): { wall: number; cpu: number } {
  const walls: number[] = []
  const cpus: number[] = []
  for (let i = 0; i < 3; i++) {
    const t = performance.now()
    const res = spawnSync('/usr/bin/time', [
      ...['-f', '%U %S', 'ffmpeg', '-v', 'error', '-threads', '1', '-i', path],
      ...['-f', 'f32le', '-y', '/dev/null'],
    ])
    walls.push(performance.now() - t)
    const [user, system] = res.stderr.toString().trim().split('\n').pop()!.split(' ').map(Number)
    cpus.push((user! + system!) * 1000)
  }
  return { wall: median(walls), cpu: median(cpus) }
}

describe('M4A decode benchmark', () => {
  it('decodes a 5-minute AAC-LC M4A against ffmpeg', async () => {
    const m4a = join(dir, 'five.m4a')
    ffmpeg(
      ...['-f', 'lavfi', '-i', 'anoisesrc=color=pink:amplitude=0.3:sample_rate=44100:duration=300'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=220:sample_rate=44100:duration=300'],
      ...['-filter_complex', '[0][1]amerge=inputs=2,pan=stereo|c0=c0+0.3*c1|c1=0.8*c0+0.3*c1'],
      ...['-c:a', 'aac', '-b:a', '192k', m4a],
    )
    const loadBefore = loadavg()[0]!
    const ourTime = await ours(m4a)
    const refTime = reference(m4a)
    const loadAfter = loadavg()[0]!
    const row = (label: string, a: number, b: number) =>
      `${label.padEnd(12)} ours ${a.toFixed(0).padStart(6)} ms  ffmpeg ${b.toFixed(0).padStart(6)} ms  ${(a / b).toFixed(2)}×`
    console.log(
      [
        `\nAAC-LC M4A 5 min 44.1k stereo 192k (${ourTime.frames} frames)`,
        row('wall', ourTime.wall, refTime.wall),
        row('CPU', ourTime.cpu, refTime.cpu),
        `load average (1 min) ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after, on ${spawnSync('nproc').stdout.toString().trim()} cores`,
      ].join('\n'),
    )
  })
})
