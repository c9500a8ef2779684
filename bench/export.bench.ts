import { spawnSync } from 'node:child_process'
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, it } from 'vitest'
import { startCore } from '../tests/helpers/core'

// Stems export of 8 tracks × 3 minutes at 48 kHz 24-bit, against `sox -m` mixing the same sources.
const dir = mkdtempSync(join(tmpdir(), 'musicsketch-bench-export-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function timed(run: () => void): number {
  const start = performance.now()
  run()
  return performance.now() - start
}

/**
 * Writes files of the given sizes (1 MB writes, each file fsynced): what putting our output on
 * this disk costs without any audio work, the floor under our time.
 */
function writeFloor(dir: string, sizes: number[]): number {
  const block = Buffer.alloc(1 << 20, 0x55)
  return timed(() =>
    sizes.forEach((size, i) => {
      const fd = openSync(join(dir, `floor-${i}.bin`), 'wx')
      for (let at = 0; at < size; at += block.length) {
        writeSync(fd, block, 0, Math.min(block.length, size - at))
      }
      fsyncSync(fd)
      closeSync(fd)
    }),
  )
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

describe('export benchmark', () => {
  it('8 tracks × 3 minutes, 48 kHz 24-bit: our stems + mix vs sox -m', async () => {
    const sources = Array.from({ length: 8 }, (_, i) => {
      const path = join(dir, `source-${i}.wav`)
      const made = spawnSync('sox', [
        '-n',
        '-r',
        '48000',
        '-c',
        '2',
        '-b',
        '24',
        path,
        'synth',
        '180',
        'sine',
        String(110 * (i + 1)),
        'vol',
        '0.1',
      ])
      if (made.status !== 0) throw new Error(`sox failed: ${made.stderr.toString()}`)
      return path
    })
    const core = startCore(join(dir, 'data'))
    const project = await core.call('projects.create', { name: 'Bench' })
    for (const [i, source] of sources.entries()) {
      const track = await core.call('tracks.create', { projectId: project.id, name: `T${i}` })
      const asset = await core.call('assets.import', { projectId: project.id, path: source })
      await core.call('clips.create', { trackId: track.id, assetId: asset.id, start: 0 })
    }

    const ours: number[] = []
    const oursCpu: number[] = []
    const floorTimes: number[] = []
    const soxTimes: number[] = []
    const soxAllTimes: number[] = []
    for (let round = 0; round < 3; round++) {
      const out = join(dir, `out-${round}`)
      mkdirSync(out)
      const start = performance.now()
      const cpu = process.cpuUsage()
      const result = await core.call('export.stems', {
        projectId: project.id,
        directory: out,
        format: 'wav',
        bitDepth: 24,
        sampleRate: 48000,
        includeMix: true,
      })
      ours.push(performance.now() - start)
      const used = process.cpuUsage(cpu)
      oursCpu.push((used.user + used.system) / 1000)
      soxTimes.push(
        timed(() => spawnSync('sox', ['-m', ...sources, '-b', '24', join(out, 'sox-mix.wav')])),
      )
      // The same work as ours: every stem written again, plus the mix.
      soxAllTimes.push(
        timed(() => {
          sources.forEach((source, i) =>
            spawnSync('sox', [source, '-b', '24', join(out, `sox-stem-${i}.wav`)]),
          )
          spawnSync('sox', ['-m', ...sources, '-b', '24', join(out, 'sox-mix-2.wav')])
        }),
      )
      const sizes = result.files
        .filter((file) => file.endsWith('.wav'))
        .map((file) => statSync(join(out, file)).size)
      floorTimes.push(writeFloor(out, sizes))
    }
    core.close()
    const oursMs = median(ours)
    const soxMs = median(soxTimes)
    const soxAllMs = median(soxAllTimes)
    const floorMs = median(floorTimes)
    console.log(
      [
        '',
        'export: 8 tracks x 180 s, 48 kHz 24-bit (median of 3)',
        `  MusicSketch stems + mix: ${oursMs.toFixed(0)} ms (9 files; CPU ${median(oursCpu).toFixed(0)} ms, all threads)`,
        `  writing 9 such files:    ${floorMs.toFixed(0)} ms (no audio work, one thread: the disk's share)`,
        `  sox -m (mix only):       ${soxMs.toFixed(0)} ms (1 file)`,
        `  sox, 8 stems + mix:      ${soxAllMs.toFixed(0)} ms (9 files, the same output as ours)`,
        `  ratio ours/sox -m:       ${(oursMs / soxMs).toFixed(2)}x (target <= 1.00)`,
        `  ratio ours/sox same work: ${(oursMs / soxAllMs).toFixed(2)}x`,
      ].join('\n'),
    )
  }, 600_000)

  it('the master bus: a limited (or headroom) mix vs none, and vs ffmpeg amix + alimiter', async () => {
    // 8 loud tracks x 60 s whose sum clips (8 x 0.3): the limiter works all the time.
    const sources = Array.from({ length: 8 }, (_, i) => {
      const path = join(dir, `loud-${i}.wav`)
      const made = spawnSync('sox', [
        ...['-n', '-r', '48000', '-c', '2', '-b', '24', path],
        ...['synth', '60', 'sine', String(55 * (i + 1)), 'vol', '0.3'],
      ])
      if (made.status !== 0) throw new Error(`sox failed: ${made.stderr.toString()}`)
      return path
    })
    const core = startCore(join(dir, 'data-master'))
    const project = await core.call('projects.create', { name: 'Loud' })
    for (const [i, source] of sources.entries()) {
      const track = await core.call('tracks.create', { projectId: project.id, name: `T${i}` })
      const asset = await core.call('assets.import', { projectId: project.id, path: source })
      await core.call('clips.create', { trackId: track.id, assetId: asset.id, start: 0 })
    }
    const times: Record<'none' | 'limiter' | 'headroom' | 'ffmpeg' | 'ffmpegMix', number[]> = {
      none: [],
      limiter: [],
      headroom: [],
      ffmpeg: [],
      ffmpegMix: [],
    }
    let run = 0
    const ffmpegArgs = (out: string, limit: boolean) => [
      ...['-v', 'error', '-y'],
      ...sources.flatMap((source) => ['-i', source]),
      '-filter_complex',
      `amix=inputs=8:normalize=0${limit ? ',alimiter=limit=0.891:level=false' : ''}`,
      ...['-c:a', 'pcm_s24le', out],
    ]
    for (let round = 0; round < 3; round++) {
      for (const protection of ['none', 'limiter', 'headroom'] as const) {
        const out = join(dir, `master-${++run}`)
        mkdirSync(out)
        const start = performance.now()
        await core.call('export.stems', {
          projectId: project.id,
          directory: out,
          format: 'wav',
          bitDepth: 24,
          sampleRate: 48000,
          protection,
        })
        times[protection].push(performance.now() - start)
      }
      times.ffmpeg.push(
        timed(() => spawnSync('ffmpeg', ffmpegArgs(join(dir, `ff-${round}.wav`), true))),
      )
      times.ffmpegMix.push(
        timed(() => spawnSync('ffmpeg', ffmpegArgs(join(dir, `ffmix-${round}.wav`), false))),
      )
    }
    core.close()
    const m = (key: keyof typeof times) => median(times[key])
    console.log(
      [
        '',
        'master bus: 8 loud tracks x 60 s, 48 kHz 24-bit, stems + mix (median of 3)',
        `  ours, no protection:      ${m('none').toFixed(0)} ms`,
        `  ours, limiter:            ${m('limiter').toFixed(0)} ms (+${(m('limiter') - m('none')).toFixed(0)} ms)`,
        `  ours, automatic headroom: ${m('headroom').toFixed(0)} ms (+${(m('headroom') - m('none')).toFixed(0)} ms)`,
        `  ffmpeg amix + alimiter:   ${m('ffmpeg').toFixed(0)} ms (mix only; amix alone ${m('ffmpegMix').toFixed(0)} ms)`,
        `  ratio limiter/none:       ${(m('limiter') / m('none')).toFixed(2)}x`,
        `  ratio ours limiter/ffmpeg: ${(m('limiter') / m('ffmpeg')).toFixed(2)}x (ours also writes 8 stems)`,
        `  load average: ${loadavg()
          .map((v) => v.toFixed(2))
          .join(' ')}`,
      ].join('\n'),
    )
  }, 600_000)
})
