import { spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { MethodInput } from '../src/shared/api'
import { afterAll, describe, it } from 'vitest'
import { startCore } from '../tests/helpers/core'

// The real import (`assets.import` through the core: hash, content store, check, peaks, DB row)
// of a 10-minute 48 kHz stereo 24-bit WAV, against command-line tools doing the same work, each
// round running both (medians of 3). No assertions on timing: the figures are printed for the
// notes (target: at least 150 M samples/s).

const SECONDS = 600
const RATE = 48000
const CHANNELS = 2
const SAMPLES = SECONDS * RATE * CHANNELS
const ROUNDS = 3
/** The {data} case: a minute of the same audio. */
const MINUTE_SAMPLES = 60 * RATE * CHANNELS

const dir = mkdtempSync(join(tmpdir(), 'musicsketch-bench-import-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function tool(cmd: string, args: string[]): void {
  const res = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  if (res.status !== 0) throw new Error(`${cmd} failed: ${res.stderr.toString()}`)
}

function timeTool(cmd: string, args: string[]): number {
  const t = performance.now()
  tool(cmd, args)
  return performance.now() - t
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[sorted.length >> 1]!
}

/** Flushes the dirty pages of the previous step, so that each step pays only for its own. */
function settle(): void {
  tool('sync', [])
}

/** Changes one sample byte, so that each round's file has a new hash (no dedupe shortcut). */
function touchSample(path: string, round: number): void {
  const fd = openSync(path, 'r+')
  try {
    writeSync(fd, Buffer.from([round + 1]), 0, 1, 1000)
  } finally {
    closeSync(fd)
  }
}

/**
 * Times one import into a core on a fresh data folder (removed afterwards, so that every round
 * writes into memory the system has already used). Its worker threads are started beforehand by
 * a small import, as in an app that has been running for a while.
 */
async function timeImport(
  round: number,
  input: (projectId: string) => MethodInput<'assets.import'>,
  small: string,
  samples = SAMPLES,
): Promise<number> {
  const dataDir = join(dir, `data-${round}`)
  const core = startCore(dataDir)
  try {
    const project = await core.call('projects.create', { name: 'Import bench' })
    await core.call('assets.import', { projectId: project.id, path: small })
    const request = input(project.id)
    settle()
    const t = performance.now()
    const asset = await core.call('assets.import', request)
    const elapsed = performance.now() - t
    if (asset.frames * asset.channels !== samples) throw new Error('wrong frame count')
    return elapsed
  } finally {
    core.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/** ffmpeg decoding to floats, openssl hashing, cp + fsync of the copy and its folder. */
function timeReference(wav: string): { decode: number; hash: number; copy: number } {
  const copy = join(dir, 'copy.wav')
  settle()
  const decode = timeTool('ffmpeg', [
    ...['-v', 'error', '-threads', '1', '-i', wav, '-f', 'f32le', '-y', '/dev/null'],
  ])
  // openssl's SHA-256, like Node's, uses the CPU's SHA instructions (sha256sum does not).
  const hash = timeTool('openssl', ['dgst', '-sha256', wav])
  const copyTime = timeTool('sh', ['-c', 'cp "$0" "$1" && sync "$1" "$2"', wav, copy, dir])
  rmSync(copy)
  return { decode, hash, copy: copyTime }
}

describe('import benchmark', () => {
  it('imports a 10-minute 48 kHz stereo 24-bit WAV through the core, against ffmpeg + openssl + cp', async () => {
    const wav = join(dir, 'ten.wav')
    tool('ffmpeg', [
      ...['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i'],
      `anoisesrc=color=pink:amplitude=0.3:sample_rate=${RATE}:duration=${SECONDS}:seed=2`,
      ...['-ac', String(CHANNELS), '-c:a', 'pcm_s24le', wav],
    ])
    const minute = join(dir, 'minute.wav')
    tool('ffmpeg', ['-v', 'error', '-y', '-i', wav, '-t', '60', '-c:a', 'pcm_s24le', minute])
    const small = join(dir, 'small.wav')
    tool('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=duration=1', small])

    const paths: number[] = []
    const data: number[] = []
    const refs: { decode: number; hash: number; copy: number }[] = []
    for (let round = 0; round < ROUNDS; round++) {
      touchSample(wav, round)
      paths.push(await timeImport(round, (projectId) => ({ projectId, path: wav }), small))
      refs.push(timeReference(wav))
      // The bytes as a browser sends a small file (base64, one message: the contract takes at
      // most 60 MB of it, larger files are uploaded), encoded before the clock starts.
      touchSample(minute, round)
      const base64 = readFileSync(minute).toString('base64')
      data.push(
        await timeImport(
          round,
          (projectId) => ({ projectId, name: 'minute.wav', data: base64 }),
          small,
          MINUTE_SAMPLES,
        ),
      )
    }

    const ours = median(paths)
    const ref = median(refs.map((r) => r.decode + r.hash + r.copy))
    const bytes = median(data)
    const rate = (ms: number, samples = SAMPLES) => (samples / ms / 1000).toFixed(0)
    const part = (pick: (r: (typeof refs)[number]) => number) => median(refs.map(pick)).toFixed(0)
    const rows = [
      ['10 min 48k stereo 24-bit WAV', 'ms', 'M samples/s', 'vs reference'],
      ['assets.import {path}', ours.toFixed(0), rate(ours), `${(ours / ref).toFixed(2)}×`],
      ['assets.import {data} (base64), 1 min', bytes.toFixed(0), rate(bytes, MINUTE_SAMPLES), ''],
      ['reference: the three below', ref.toFixed(0), rate(ref), '1.00×'],
      ['  ffmpeg -threads 1 to f32le', part((r) => r.decode)],
      ['  openssl dgst -sha256', part((r) => r.hash)],
      ['  cp + sync (file, folder)', part((r) => r.copy)],
    ]
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)))
    const runs = (times: number[]) => times.map((t) => t.toFixed(0)).join(', ')
    console.log(
      '\n' +
        rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')).join('\n') +
        `\nruns (ms): {path} ${runs(paths)}; {data} ${runs(data)}; ` +
        `reference ${runs(refs.map((r) => r.decode + r.hash + r.copy))}`,
    )
  })

  it('imports 5-minute MP3, FLAC, Ogg Vorbis and Ogg Opus files through the core, against ffmpeg -threads 1 to f32', async () => {
    const seconds = 300
    const src = join(dir, 'five.wav')
    tool('ffmpeg', [
      ...['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i'],
      `anoisesrc=color=pink:amplitude=0.3:sample_rate=44100:duration=${seconds}:seed=1`,
      ...['-f', 'lavfi', '-i', `sine=frequency=220:sample_rate=44100:duration=${seconds}`],
      '-filter_complex',
      '[0][1]amerge=inputs=2,pan=stereo|c0=c0+0.3*c1|c1=0.8*c0+0.3*c1',
      ...['-c:a', 'pcm_s16le', src],
    ])
    const small = join(dir, 'small.wav')
    tool('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=duration=1', small])
    const formats: [string, string, string[]][] = [
      ['MP3 192k', 'five.mp3', ['-c:a', 'libmp3lame', '-b:a', '192k']],
      ['FLAC', 'five.flac', ['-c:a', 'flac']],
      ['Ogg Vorbis q5', 'five.ogg', ['-c:a', 'libvorbis', '-q:a', '5']],
      ['Ogg Opus 128k', 'five.opus', ['-c:a', 'libopus', '-b:a', '128k']],
    ]
    const loads = [loadavg()[0]!.toFixed(2)]
    const rows = [
      ['5 min stereo', 'import (ms)', 'ffmpeg (ms)', 'ratio', 'runs (ms): ours / ffmpeg'],
    ]
    for (const [label, name, args] of formats) {
      const path = join(dir, name)
      tool('ffmpeg', ['-v', 'error', '-y', '-i', src, ...args, path])
      const samples = ffprobeSamples(path)
      const ours: number[] = []
      const refs: number[] = []
      // Interleaved, so that a change of load touches both alike (each round: a fresh data folder).
      for (let round = 0; round < ROUNDS; round++) {
        ours.push(await timeImport(round, (projectId) => ({ projectId, path }), small, samples))
        refs.push(
          timeTool('ffmpeg', [
            ...['-v', 'error', '-threads', '1', '-i', path, '-f', 'f32le', '-y', '/dev/null'],
          ]),
        )
      }
      const [a, b] = [median(ours), median(refs)]
      const runs = (t: number[]) => t.map((x) => x.toFixed(0)).join(', ')
      rows.push([
        label,
        a.toFixed(0),
        b.toFixed(0),
        `${(a / b).toFixed(2)}×`,
        `${runs(ours)} / ${runs(refs)}`,
      ])
      loads.push(loadavg()[0]!.toFixed(2))
    }
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
    console.log(
      `\nload (1 min) ${loads.join(' → ')} (target ≤ 1.5× for every format)\n` +
        rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')).join('\n'),
    )
  })
})

/** Samples (all channels) ffmpeg decodes from a file. */
function ffprobeSamples(path: string): number {
  const res = spawnSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 'f32le', '-'], {
    maxBuffer: 1 << 30,
  })
  if (res.status !== 0) throw new Error(`ffmpeg failed: ${res.stderr.toString()}`)
  return res.stdout.length / 4
}
