import { spawn, spawnSync } from 'node:child_process'
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
import type { MethodInput, MethodResult } from '../src/shared/api'
import { startCore, type TestCore } from '../tests/helpers/core'

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

/** ffmpeg's defaults for FLAC (compression level 5), resampled by soxr as ours is. */
function ffmpegFlacArgs(source: string, out: string): string[] {
  return [
    ['-v', 'error', '-y', '-i', source, '-af', 'aresample=resampler=soxr'],
    ['-ar', '44100', '-sample_fmt', 's32', '-c:a', 'flac', out],
  ].flat()
}

function runAsync(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore' })
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`)),
    )
  })
}

async function timedAsync(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await run()
  return performance.now() - start
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** 8 stereo sources of 3 minutes, 48 kHz 24-bit: one sine each (110 Hz × n, 0.1). */
function makeSources(): string[] {
  return Array.from({ length: 8 }, (_, i) => {
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
}

/**
 * 8 stereo sources of 3 minutes, 48 kHz 24-bit, closer to music than a sine: a plucked note per
 * channel over a low sine and pink noise, with tremolo (different notes per source).
 */
function makeRichSources(): string[] {
  return Array.from({ length: 8 }, (_, i) => {
    const path = join(dir, `rich-${i}.wav`)
    const note = 110 * 2 ** (i / 12)
    const made = spawnSync(
      'sox',
      [
        ['-n', '-r', '48000', '-c', '2', '-b', '24', path],
        ['synth', '180', 'pluck', String(note * 2), 'pluck', String(note * 3)],
        ['synth', '180', 'sine', 'mix', String(note / 2)],
        ['synth', '180', 'pinknoise', 'mix', 'vol', '0.3', 'tremolo', String(2 + i), '60'],
      ].flat(),
    )
    if (made.status !== 0) throw new Error(`sox failed: ${made.stderr.toString()}`)
    return path
  })
}

/** A core with a project of one track per source, each a clip of it at 0. */
async function projectOf(sources: string[], data: string) {
  const core = startCore(join(dir, data))
  const project = await core.call('projects.create', { name: 'Bench' })
  for (const [i, source] of sources.entries()) {
    const track = await core.call('tracks.create', { projectId: project.id, name: `T${i}` })
    const asset = await core.call('assets.import', { projectId: project.id, path: source })
    await core.call('clips.create', { trackId: track.id, assetId: asset.id, start: 0 })
  }
  return { core, project }
}

/**
 * One stems export of the project into `out`, timed: its result, the wall time and the CPU time
 * of all threads (ms).
 */
async function timedExport(
  core: TestCore,
  projectId: string,
  out: string,
  options: Omit<MethodInput<'export.stems'>, 'projectId' | 'directory'>,
): Promise<{ result: MethodResult<'export.stems'>; ms: number; cpuMs: number }> {
  const start = performance.now()
  const cpu = process.cpuUsage()
  const result = await core.call('export.stems', { projectId, directory: out, ...options })
  const ms = performance.now() - start
  const used = process.cpuUsage(cpu)
  return { result, ms, cpuMs: (used.user + used.system) / 1000 }
}

function load(): string {
  return loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')
}

describe('export benchmark', () => {
  it('8 tracks × 3 minutes, 48 kHz 24-bit: our stems + mix vs sox -m', async () => {
    const sources = makeSources()
    const { core, project } = await projectOf(sources, 'data')

    const ours: number[] = []
    const oursCpu: number[] = []
    const floorTimes: number[] = []
    const soxTimes: number[] = []
    const soxAllTimes: number[] = []
    for (let round = 0; round < 3; round++) {
      const out = join(dir, `out-${round}`)
      mkdirSync(out)
      const { result, ms, cpuMs } = await timedExport(core, project.id, out, {
        format: 'wav',
        bitDepth: 24,
        sampleRate: 48000,
        includeMix: true,
      })
      ours.push(ms)
      oursCpu.push(cpuMs)
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

  it.each([
    ['sine', makeSources],
    ['music-like', makeRichSources],
  ] as const)(
    '8 %s stems × 3 minutes, 48 kHz → 44.1 kHz 24-bit FLAC: ours vs ffmpeg (soxr + flac)',
    async (name, make) => {
      const sources = make()
      const { core, project } = await projectOf(sources, `data-flac-${name}`)
      const ffmpegFlac = (source: string, out: string) =>
        spawnSync('ffmpeg', ffmpegFlacArgs(source, out))
      const ours: number[] = []
      const oursCpu: number[] = []
      const ffmpegTimes: number[] = []
      const ffmpegPairTimes: number[] = []
      const loads: string[] = []
      let oursBytes = 0
      let ffmpegBytes = 0
      for (let round = 0; round < 3; round++) {
        const out = join(dir, `flac-${name}-${round}`)
        mkdirSync(out)
        loads.push(load())
        const { result, ms, cpuMs } = await timedExport(core, project.id, out, {
          format: 'flac',
          bitDepth: 24,
          sampleRate: 44100,
          includeMix: false,
        })
        ours.push(ms)
        oursCpu.push(cpuMs)
        oursBytes = result.files
          .filter((file) => file.endsWith('.flac'))
          .reduce((sum, file) => sum + statSync(join(out, file)).size, 0)
        const refs = sources.map((_, i) => join(out, `ffmpeg-${i}.flac`))
        ffmpegTimes.push(timed(() => sources.forEach((source, i) => ffmpegFlac(source, refs[i]!))))
        ffmpegBytes = refs.reduce((sum, file) => sum + statSync(file).size, 0)
        // Two at a time, as our export uses both cores.
        ffmpegPairTimes.push(
          await timedAsync(() =>
            Promise.all(
              [0, 1].map(async (lane) => {
                for (let i = lane; i < sources.length; i += 2) {
                  await runAsync('ffmpeg', ffmpegFlacArgs(sources[i]!, join(out, `pair-${i}.flac`)))
                }
              }),
            ),
          ),
        )
      }
      core.close()
      const oursMs = median(ours)
      const ffmpegMs = median(ffmpegTimes)
      const pairMs = median(ffmpegPairTimes)
      console.log(
        [
          '',
          `FLAC export: 8 ${name} stems x 180 s, 48 kHz -> 44.1 kHz 24-bit (median of 3)`,
          `  MusicSketch:            ${oursMs.toFixed(0)} ms (CPU ${median(oursCpu).toFixed(0)} ms, all threads), ${oursBytes} bytes`,
          `  ffmpeg, one at a time:  ${ffmpegMs.toFixed(0)} ms, ${ffmpegBytes} bytes`,
          `  ffmpeg, two at a time:  ${pairMs.toFixed(0)} ms`,
          `  ratio ours/ffmpeg:      ${(oursMs / ffmpegMs).toFixed(2)}x (target <= 1.00); two at a time ${(oursMs / pairMs).toFixed(2)}x`,
          `  size ours/ffmpeg:       ${((100 * oursBytes) / ffmpegBytes - 100).toFixed(2)} % (target <= +1 %)`,
          `  load (1/5/15 min) before each round: ${loads.join(' | ')}`,
        ].join('\n'),
      )
    },
    900_000,
  )
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
