import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { ExportResult, MixProtection } from '../../../src/shared/domain'
import { decodeAudioFile } from '../../../src/main/core/audio/decode'
import { measureLoudness } from '../../../src/main/core/audio/dsp/loudness'
import { exportStems } from '../../../src/main/core/export/stems'
import { WorkerPool } from '../../../src/main/core/workers/worker-pool'
import { workerScript } from '../../helpers/worker-script'
import { makeTempDir } from '../../helpers/audio'
import { mixedProject, writeSources } from './project-fixture'

const tmp = makeTempDir('mix-master')
const assets = writeSources(tmp.dir)
const pool = new WorkerPool(workerScript(), 2)
afterAll(async () => {
  await pool.close()
  tmp.cleanup()
})

let dirs = 0
async function exportWith(
  protection: MixProtection,
  masterGainDb: number,
  format: 'wav' | 'flac' = 'wav',
): Promise<{ result: ExportResult; directory: string }> {
  const directory = join(tmp.dir, `out-${++dirs}`)
  mkdirSync(directory)
  const result = await exportStems({
    project: { ...mixedProject(false), masterGainDb },
    assets,
    takes: new Map(),
    directory,
    format,
    bitDepth: 24,
    sampleRate: 48000,
    includeMix: true,
    protection,
    overwrite: false,
    onProgress: () => undefined,
    now: 0,
    tasks: pool,
  })
  return { result, directory }
}

async function decode(path: string) {
  const stream = decodeAudioFile(path)
  const info = await stream.info()
  const parts: Float32Array[][] = []
  for await (const chunk of stream.frames()) parts.push(chunk)
  const channels = [0, 1].map((c) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p[c]!.length, 0))
    let at = 0
    for (const part of parts) {
      out.set(part[c]!, at)
      at += part[c]!.length
    }
    return out
  })
  return { sampleRate: info.sampleRate, channels }
}

const isMix = (file: string) => / - Mix\.(wav|flac)$/.test(file)
const mixOf = (result: ExportResult) => result.files.find(isMix)!
const stemsOf = (result: ExportResult) =>
  result.files.filter((f) => !isMix(f) && !f.endsWith('.json'))

describe('the master bus of an export', () => {
  it('reports the overs of an unprotected mix: how many, the loudest, where', async () => {
    const { result, directory } = await exportWith('none', 6)
    const report = result.mix!
    expect(report.protection).toBe('none')
    expect(report.overs.count).toBeGreaterThan(0)
    expect(report.overs.loudestDb).toBeGreaterThan(0)
    expect(report.overs.first.length).toBeGreaterThan(0)
    const times = report.overs.first.map((over) => over.seconds)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(Math.max(...times)).toBeLessThan(result.frames / result.sampleRate)
    // The report measures the mix before the file's integer samples clamp it: the file holds
    // full-scale samples where it went over.
    const mix = await decode(join(directory, mixOf(result)))
    expect(mix.channels[0]!.some((v) => Math.abs(v) > 0.9999)).toBe(true)
    expect(measureLoudness(mix).truePeakDb).toBeLessThan(report.truePeakDb)
  }, 60_000)

  const protections: ['limiter' | 'headroom', 'wav' | 'flac'][] = [
    ['limiter', 'wav'],
    ['headroom', 'wav'],
    ['limiter', 'flac'],
  ]
  it.each(protections)(
    'keeps the %s mix under -1 dBTP (%s) and leaves the stems bit for bit as without it',
    async (protection, format) => {
      const plain = await exportWith('none', 6, format)
      const { result, directory } = await exportWith(protection, 6, format)
      const report = result.mix!
      expect(report.overs.count).toBe(0)
      expect(report.truePeakDb).toBeLessThanOrEqual(-1)
      expect(report.reductionDb).toBeLessThan(0)
      const mix = measureLoudness(await decode(join(directory, mixOf(result))))
      expect(mix.truePeakDb).toBeLessThanOrEqual(-1)
      if (protection === 'headroom') {
        // The whole mix turned down by one gain: the peak lands on the ceiling (less a hair).
        expect(mix.truePeakDb).toBeGreaterThan(-1.1)
      }
      expect(stemsOf(result)).toEqual(stemsOf(plain.result))
      for (const stem of stemsOf(result)) {
        const ours = readFileSync(join(directory, stem))
        const before = readFileSync(join(plain.directory, stem))
        expect(ours.equals(before), stem).toBe(true)
      }
    },
    120_000,
  )

  it('applies the master gain to the mix only', async () => {
    const quiet = await exportWith('none', -20)
    const plain = await exportWith('none', -12)
    const a = measureLoudness(await decode(join(quiet.directory, mixOf(quiet.result))))
    const b = measureLoudness(await decode(join(plain.directory, mixOf(plain.result))))
    expect(b.integratedLufs - a.integratedLufs).toBeCloseTo(8, 1)
    expect(quiet.result.mix!.masterGainDb).toBe(-20)
    for (const stem of stemsOf(quiet.result)) {
      const x = readFileSync(join(quiet.directory, stem))
      const y = readFileSync(join(plain.directory, stem))
      expect(x.equals(y), stem).toBe(true)
    }
  }, 60_000)
})
