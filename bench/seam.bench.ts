import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { afterAll, describe, expect, it } from 'vitest'
import type { PcmAudio } from '../src/main/core/audio/dsp/pcm'
import { alignSeam } from '../src/main/core/audio/dsp/seam'
import { continuation, RATE } from '../tests/helpers/seam-signals'

// The seam alignment of a continuation (cross-correlation over the overlap and BS.1770 loudness
// of both sides, the result resampled from 32 kHz) against ffmpeg doing the parts it has on the
// same audio: resampling the result to 48 kHz and an EBU R128 scan of both sides. ffmpeg has no
// lag search, so the ratio bounds our cost from below. No assertions on time: figures are printed.

const dir = mkdtempSync(join(tmpdir(), 'musicsketch-bench-seam-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[values.length >> 1]!
}

/** Interleaved float32 little-endian, as ffmpeg's f32le reads it. */
function writeRaw(path: string, audio: PcmAudio): void {
  const { channels } = audio
  const frames = channels[0]!.length
  const out = new Float32Array(frames * channels.length)
  for (let c = 0; c < channels.length; c++) {
    const ch = channels[c]!
    for (let i = 0; i < frames; i++) out[i * channels.length + c] = ch[i]!
  }
  writeFileSync(path, out)
}

function reference(tail: string, head: string, headChannels: number): number {
  const input = (path: string, rate: number, channels: number) => [
    '-f',
    'f32le',
    '-ar',
    String(rate),
    '-ac',
    String(channels),
    '-i',
    path,
  ]
  const args = [
    ...['-hide_banner', '-nostats', '-v', 'error'],
    ...input(tail, RATE, 2),
    ...input(head, 32000, headChannels),
    ...['-filter_complex', `[0:a]ebur128[a];[1:a]aresample=${RATE},ebur128[b]`],
    ...['-map', '[a]', '-f', 'null', '-', '-map', '[b]', '-f', 'null', '-'],
  ]
  const t = performance.now()
  const res = spawnSync('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  const ms = performance.now() - t
  if (res.status !== 0) throw new Error(`ffmpeg failed: ${res.stderr.toString()}`)
  return ms
}

describe('seam alignment benchmark', () => {
  it('aligns a 10 s overlap at 48 kHz (result at 32 kHz) against ffmpeg', () => {
    const { tail, head } = continuation(10, -203, 7, { gainDb: -4.2 })
    const tailPath = join(dir, 'tail.f32')
    const headPath = join(dir, 'head.f32')
    writeRaw(tailPath, tail)
    writeRaw(headPath, head)
    const loadBefore = loadavg()[0]!
    const ours: number[] = []
    const theirs: number[] = []
    for (let i = 0; i < 3; i++) {
      const t = performance.now()
      const result = alignSeam(tail, head, RATE)
      ours.push(performance.now() - t)
      expect(result.lagSamples).toBe(-203)
      theirs.push(reference(tailPath, headPath, head.channels.length))
    }
    const loadAfter = loadavg()[0]!
    const a = median(ours)
    const b = median(theirs)
    console.log(
      [
        '\nalignSeam, 10 s overlap at 48 kHz, result at 32 kHz (medians of 3)',
        `ours ${a.toFixed(0)} ms  ffmpeg (resample + R128 of both) ${b.toFixed(0)} ms  ${(a / b).toFixed(2)}×`,
        `load average (1 min) ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`,
      ].join('\n'),
    )
  })
})
