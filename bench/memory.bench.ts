// The host's memory around imports of compressed files, as `npm run serve` runs it (the built
// `out/main/host.js` in its own process, driven over its WebSocket): idle RSS, the peak during
// each import, and the RSS 30 s after the last one (target: ≤ 150 MB). Then a 60-minute MP3
// imported into a fresh host: its peak above idle (target: < 120 MB) against ffmpeg decoding the
// same file (`/usr/bin/time -v`, maximum resident set). No assertions on the figures.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, it } from 'vitest'
import { WebSocket } from 'ws'
import { serveApp, type ServedApp } from '../tests/helpers/serve'

const dir = mkdtempSync(join(tmpdir(), 'musicsketch-bench-memory-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const SETTLE_SECONDS = 30

function ffmpeg(...args: string[]): void {
  const res = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-y', ...args])
  if (res.status !== 0) throw new Error(`ffmpeg failed: ${res.stderr.toString()}`)
}

/** A music-like stereo 44.1 kHz source: pink noise and a tone. */
function source(path: string, seconds: number): void {
  ffmpeg(
    ...['-f', 'lavfi', '-i'],
    `anoisesrc=color=pink:amplitude=0.3:sample_rate=44100:duration=${seconds}:seed=1`,
    ...['-f', 'lavfi', '-i', `sine=frequency=220:sample_rate=44100:duration=${seconds}`],
    '-filter_complex',
    '[0][1]amerge=inputs=2,pan=stereo|c0=c0+0.3*c1|c1=0.8*c0+0.3*c1',
    ...['-c:a', 'pcm_s16le', path],
  )
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
}

/** Samples a process's RSS every 50 ms until stopped; gives the peak. */
function peakSampler(pid: number): { stop(): number } {
  let peak = rssMb(pid)
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 50)
  return {
    stop() {
      clearInterval(timer)
      return Math.max(peak, rssMb(pid))
    },
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A JSON-RPC client of the host's /rpc WebSocket. */
async function connect(app: ServedApp) {
  const ws = new WebSocket(`ws://${new URL(app.url).host}/rpc?token=${app.token}`)
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  let next = 1
  const waiting = new Map<number, (reply: { result?: unknown; error?: unknown }) => void>()
  ws.on('message', (data: Buffer) => {
    const reply = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: unknown }
    if (reply.id !== undefined) waiting.get(reply.id)?.(reply)
  })
  return {
    async call<T>(method: string, params: unknown): Promise<T> {
      const id = next++
      const reply = await new Promise<{ result?: unknown; error?: unknown }>((resolve) => {
        waiting.set(id, resolve)
        ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }))
      })
      waiting.delete(id)
      const result = reply.result as { ok?: boolean; value?: T; error?: unknown } | undefined
      if (reply.error || !result?.ok) {
        throw new Error(`${method} failed: ${JSON.stringify(reply.error ?? result)}`)
      }
      return result.value as T
    },
    close: () => ws.close(),
  }
}

async function withHost<T>(name: string, use: (app: ServedApp) => Promise<T>): Promise<T> {
  const dataDir = join(dir, name, 'data')
  mkdirSync(dataDir, { recursive: true })
  const app = await serveApp(dataDir)
  try {
    return await use(app)
  } finally {
    await app.stop()
  }
}

/** ffmpeg's maximum resident set decoding a file to floats, in MB. */
function ffmpegPeakMb(path: string): number {
  const res = spawnSync('/usr/bin/time', [
    ...['-v', 'ffmpeg', '-v', 'error', '-threads', '1', '-i', path],
    ...['-f', 'f32le', '-y', '/dev/null'],
  ])
  const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(res.stderr.toString())?.[1]
  if (!kb) throw new Error(`time -v gave no figure: ${res.stderr.toString()}`)
  return Number(kb) / 1024
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')

describe('memory benchmark', () => {
  it('host RSS: idle, during one import of each compressed format, 30 s after', async () => {
    const files = join(dir, 'formats')
    mkdirSync(files)
    const wav = join(files, 'src.wav')
    source(wav, 300)
    const formats: [string, string, string[]][] = [
      ['MP3 192k', 'five.mp3', ['-c:a', 'libmp3lame', '-b:a', '192k']],
      ['FLAC', 'five.flac', ['-c:a', 'flac']],
      ['Ogg Vorbis q5', 'five.ogg', ['-c:a', 'libvorbis', '-q:a', '5']],
      ['Ogg Opus 128k', 'five.opus', ['-c:a', 'libopus', '-b:a', '128k']],
      ['M4A AAC 192k', 'five.m4a', ['-c:a', 'aac', '-b:a', '192k']],
    ]
    for (const [, name, args] of formats) ffmpeg('-i', wav, ...args, join(files, name))
    const rows: string[][] = [['5 min 44.1k stereo', 'peak RSS (MB)', 'after (MB)']]
    const loads = [load()]
    const after = await withHost('formats', async (app) => {
      const pid = app.process.pid!
      const rpc = await connect(app)
      try {
        await sleep(2000)
        const idle = rssMb(pid)
        rows.push(['idle', '', idle.toFixed(0)])
        const { id: projectId } = await rpc.call<{ id: string }>('projects.create', {
          name: 'Memory bench',
        })
        for (const [label, name] of formats) {
          const sampler = peakSampler(pid)
          try {
            await rpc.call('assets.import', { projectId, path: join(files, name) })
          } finally {
            rows.push([label, sampler.stop().toFixed(0), rssMb(pid).toFixed(0)])
          }
        }
        loads.push(load())
        const settled: string[] = []
        for (let s = 5; s <= SETTLE_SECONDS; s += 5) {
          await sleep(5000)
          settled.push(`${s} s: ${rssMb(pid).toFixed(0)}`)
        }
        return settled
      } finally {
        rpc.close()
      }
    })
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
    console.log(
      `\nload ${loads.join(' → ')}\n` +
        rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')).join('\n') +
        `\nRSS after the last import (MB; target ≤ 150 within ${SETTLE_SECONDS} s): ${after.join(', ')}`,
    )
  })

  it('a 60-minute MP3: the host peak above idle against ffmpeg', async () => {
    const files = join(dir, 'long')
    mkdirSync(files)
    // Twelve copies of a 5-minute MP3 joined without re-encoding (quicker than encoding an hour).
    const wav = join(files, 'five.wav')
    source(wav, 300)
    const five = join(files, 'five.mp3')
    ffmpeg('-i', wav, '-c:a', 'libmp3lame', '-b:a', '192k', five)
    rmSync(wav)
    const list = join(files, 'list.txt')
    writeFileSync(list, `file '${five}'\n`.repeat(12))
    const mp3 = join(files, 'hour.mp3')
    ffmpeg('-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', mp3)
    const before = load()
    const { idle, peak } = await withHost('long', async (app) => {
      const pid = app.process.pid!
      const rpc = await connect(app)
      try {
        await sleep(2000)
        const idle = rssMb(pid)
        const { id: projectId } = await rpc.call<{ id: string }>('projects.create', {
          name: 'Memory bench',
        })
        const sampler = peakSampler(pid)
        try {
          await rpc.call('assets.import', { projectId, path: mp3 })
        } finally {
          sampler.stop()
        }
        return { idle, peak: sampler.stop() }
      } finally {
        rpc.close()
      }
    })
    const ref = ffmpegPeakMb(mp3)
    console.log(
      `\nload ${before} → ${load()}\n60-min MP3 192k: host idle ${idle.toFixed(0)} MB, ` +
        `peak ${peak.toFixed(0)} MB, above idle ${(peak - idle).toFixed(0)} MB (target < 120); ` +
        `ffmpeg -threads 1 peak ${ref.toFixed(0)} MB in all; ` +
        `ratio (above idle / ffmpeg) ${((peak - idle) / ref).toFixed(2)}×`,
    )
  })
})
