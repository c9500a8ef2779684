import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ffmpegTruePeak } from '../../helpers/ffmpeg-true-peak'
import { startCore, type TestCore } from '../../helpers/core'
import { tempDir } from '../../helpers/temp'

function ffmpeg(...args: string[]): void {
  const result = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${result.stderr}`)
}

/** A project of three loud tracks whose sum clips, with a master gain of +2 dB. */
async function clippingProject(core: TestCore, dir: string) {
  const project = await core.call('projects.create', { name: 'Hot mix' })
  const sources = [
    ['drums', 'anoisesrc=d=6:c=pink:r=48000:a=0.8', 'tremolo=f=4:d=0.9'],
    ['bass', 'sine=f=55:d=6:r=48000', 'volume=6'],
    // Full-scale square-ish tone: inter-sample peaks over its sample peak.
    ['lead', 'aevalsrc=0.95*sgn(sin(2*PI*3000*t)):s=48000:d=6', 'lowpass=f=11000'],
  ]
  for (const [name, source, filter] of sources) {
    const path = join(dir, `${name}.wav`)
    ffmpeg('-f', 'lavfi', '-i', source!, '-af', filter!, '-ac', '2', '-c:a', 'pcm_f32le', path)
    const track = await core.call('tracks.create', { projectId: project.id, name })
    const asset = await core.call('assets.import', { projectId: project.id, path })
    await core.call('clips.create', { trackId: track.id, assetId: asset.id, start: 0 })
  }
  await core.call('projects.setMasterGain', { projectId: project.id, masterGainDb: 2 })
  return project
}

describe('the exported mix through the master bus', () => {
  it('keeps the mix under -1 dBTP by ffmpeg’s meter, names the overs without it, leaves stems as they were', async () => {
    const dir = tempDir()
    const core = startCore(join(dir, 'data'))
    const project = await clippingProject(core, dir)
    const exportWith = async (
      protection: 'limiter' | 'headroom' | 'none',
      format: 'wav' | 'flac',
    ) => {
      const out = join(dir, `${protection}-${format}`)
      mkdirSync(out)
      const result = await core.call('export.stems', {
        projectId: project.id,
        directory: out,
        format,
        bitDepth: 24,
        sampleRate: 48000,
        protection,
      })
      const files = (suffix: string) => result.files.filter((f) => f.endsWith(suffix))
      return { result, out, files }
    }

    const plain = await exportWith('none', 'wav')
    const report = plain.result.mix!
    expect(report.overs.count).toBeGreaterThan(0)
    expect(report.overs.loudestDb).toBeGreaterThan(0)
    expect(report.overs.first[0]!.seconds).toBeLessThan(1)
    expect(ffmpegTruePeak(join(plain.out, 'Hot mix - Mix.wav'))).toBeGreaterThan(-0.5)

    for (const format of ['wav', 'flac'] as const) {
      for (const protection of ['limiter', 'headroom'] as const) {
        const safe = await exportWith(protection, format)
        expect(safe.result.mix!.overs.count, `${protection} ${format}`).toBe(0)
        const truePeak = ffmpegTruePeak(join(safe.out, `Hot mix - Mix.${format}`))
        // ffmpeg's meter (its own 4× resampler) within 0.1 dB of BS.1770-4's.
        expect(truePeak, `${protection} ${format}`).toBeLessThanOrEqual(-0.9)
        expect(truePeak, `${protection} ${format}`).toBeGreaterThan(-2)
        if (format === 'wav') {
          // Stems: the very bytes of the unprotected export.
          const stems = safe.files('.wav').filter((f) => !f.endsWith(' - Mix.wav'))
          expect(stems).toHaveLength(3)
          for (const stem of stems) {
            const same = readFileSync(join(safe.out, stem)).equals(
              readFileSync(join(plain.out, stem)),
            )
            expect(same, stem).toBe(true)
          }
        }
      }
    }
    const sidecar = JSON.parse(readFileSync(join(plain.out, 'Hot mix - stems.json'), 'utf8')) as {
      master: { protection: string; ceilingDb: number; masterGainDb: number }
    }
    expect(sidecar.master).toMatchObject({ protection: 'none', ceilingDb: -1, masterGainDb: 2 })
  }, 120_000)
})
