import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AudioDecodeStream } from '../../src/main/core/audio/decode'
import { PeaksBuilder, serializePeaks } from '../../src/main/core/audio/dsp'
import type { DecodedInfo } from '../../src/main/core/audio/decoded-info'

/** A temporary directory for generated fixtures, removed by the returned cleanup. */
export function makeTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `musicsketch-${prefix}-`))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Runs a reference tool; throws with its stderr when it fails. Returns stdout and stderr. */
export function run(
  cmd: string,
  args: string[],
  input?: Uint8Array,
): { stdout: Buffer; stderr: string } {
  const res = spawnSync(cmd, args, { maxBuffer: 1 << 30, ...(input ? { input } : {}) })
  if (res.error) throw res.error
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${res.stderr.toString()}`)
  return { stdout: res.stdout, stderr: res.stderr.toString() }
}

export function ffmpeg(...args: string[]): void {
  run('ffmpeg', ['-hide_banner', '-v', 'error', '-y', ...args])
}

/**
 * What ffmpeg writes to a pipe when it converts `input` with `args` (the output options): a file
 * whose header cannot give its length, since ffmpeg cannot go back to fill it in.
 */
export function ffmpegToPipe(input: string, ...args: string[]): Buffer {
  return run('ffmpeg', ['-v', 'error', '-i', input, ...args, '-']).stdout
}

/** A stereo test signal (tone + noise, different per channel, near full scale) as float WAV. */
export function writeTestSignal(path: string, rate: number, seconds: number): void {
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    `aevalsrc='0.7*sin(2*PI*440*t)+0.25*(random(0)-0.5)|0.5*sin(2*PI*1234*t)-0.45*(random(1)-0.5)':s=${rate}:d=${seconds}`,
    '-c:a',
    'pcm_f32le',
    path,
  )
}

/** ffmpeg's float decode of a file: planar channels. */
export function ffmpegDecode(path: string, channels: number): Float32Array[] {
  const { stdout } = run('ffmpeg', [
    '-v',
    'error',
    '-i',
    path,
    '-f',
    'f32le',
    '-acodec',
    'pcm_f32le',
    '-',
  ])
  const aligned = new Uint8Array(stdout.length)
  aligned.set(stdout)
  const inter = new Float32Array(aligned.buffer, 0, stdout.length >> 2)
  const frames = inter.length / channels
  const out: Float32Array[] = []
  for (let c = 0; c < channels; c++) {
    const ch = new Float32Array(frames)
    for (let i = 0; i < frames; i++) ch[i] = inter[i * channels + c]!
    out.push(ch)
  }
  return out
}

export function readBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path))
}

/** Largest absolute difference between two planar buffers (Infinity when shapes differ). */
export function maxDiff(a: Float32Array[], b: Float32Array[]): number {
  if (a.length !== b.length) return Infinity
  let m = 0
  for (let c = 0; c < a.length; c++) {
    const x = a[c]!
    const y = b[c]!
    if (x.length !== y.length) return Infinity
    for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!))
  }
  return m
}

/** Deterministic pseudo-random numbers in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s / 4294967296
  }
}

export function sine(rate: number, freq: number, frames: number, amp = 1, phase = 0): Float32Array {
  const out = new Float32Array(frames)
  for (let i = 0; i < frames; i++) out[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate + phase)
  return out
}

/**
 * One-sided power spectrum |X[k]|², k = 0…N/2, of `x` windowed with a 7-term Blackman–Harris
 * window (sidelobes far below -150 dB, so leakage does not hide a -100 dB component). Radix-2
 * FFT: the length must be a power of two.
 */
export function powerSpectrum(x: Float64Array | Float32Array): Float64Array {
  const n = x.length
  if ((n & (n - 1)) !== 0) throw new Error('power of two only')
  // 7-term Blackman–Harris (sidelobes below -180 dB).
  const a = [
    0.27105140069342, 0.43329793923448, 0.21812299954311, 0.06592544638803, 0.01081174209837,
    0.00077658482522, 0.00001388721735,
  ]
  const re = new Float64Array(n)
  const im = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let w = 0
    for (let k = 0; k < a.length; k++)
      w += (k % 2 ? -1 : 1) * a[k]! * Math.cos((2 * Math.PI * k * i) / n)
    re[i] = x[i]! * w
  }
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1
    for (; j & bit; bit >>= 1) j ^= bit
    j ^= bit
    if (i < j) {
      ;[re[i], re[j]] = [re[j]!, re[i]!]
      ;[im[i], im[j]] = [im[j]!, im[i]!]
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len
    const wr = Math.cos(ang)
    const wi = Math.sin(ang)
    for (let i = 0; i < n; i += len) {
      let cr = 1
      let ci = 0
      for (let k = 0; k < len / 2; k++) {
        const ar = re[i + k + len / 2]! * cr - im[i + k + len / 2]! * ci
        const ai = re[i + k + len / 2]! * ci + im[i + k + len / 2]! * cr
        re[i + k + len / 2] = re[i + k]! - ar
        im[i + k + len / 2] = im[i + k]! - ai
        re[i + k] = re[i + k]! + ar
        im[i + k] = im[i + k]! + ai
        const t = cr * wr - ci * wi
        ci = cr * wi + ci * wr
        cr = t
      }
    }
  }
  const p = new Float64Array(n / 2 + 1)
  for (let k = 0; k <= n / 2; k++) p[k] = re[k]! * re[k]! + im[k]! * im[k]!
  return p
}

/**
 * A whole decode with PeaksBuilder fed every chunk: what the import computed before it scanned
 * PCM files and ran on workers, the reference its results are held to.
 */
export async function decodeWithPeaks(
  stream: AudioDecodeStream,
): Promise<{ info: DecodedInfo; frames: number; peaks: Uint8Array }> {
  const info = await stream.info()
  const peaks = new PeaksBuilder(info.channels)
  let frames = 0
  for await (const chunk of stream.frames()) {
    peaks.push(chunk)
    frames += chunk[0]!.length
  }
  return { info, frames, peaks: serializePeaks(peaks.finish()) }
}
