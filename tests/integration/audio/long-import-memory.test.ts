import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleChild } from '../../helpers/bundle'
import { workerScript } from '../../helpers/worker-script'

const LIMIT_BYTES = 400 * 1024 * 1024

const dir = mkdtempSync(join(tmpdir(), 'musicsketch-long-import-'))
const wav = join(dir, 'hour.wav')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

beforeAll(() => {
  // 60 minutes of quiet noise, 16-bit: 691 MB on disk, far more than the memory budget as floats.
  const made = spawnSync(
    'sox',
    ['-n', '-r', '48000', '-c', '2', '-b', '16', wav, 'synth', '3600', 'whitenoise', 'vol', '0.1'],
    { encoding: 'utf8' },
  )
  expect(made.status, made.stderr).toBe(0)
  expect(statSync(wav).size).toBeGreaterThan(690_000_000)
}, 120_000)

describe('long imports', () => {
  it.each([
    ['on one thread', null],
    ['with worker threads', workerScript],
  ] as const)(
    'imports a 60-minute 48 kHz stereo WAV with peak memory under 400 MB (%s)',
    async (label, script) => {
      const child = await bundleChild(join(import.meta.dirname, '../children/import-file.ts'))
      const dataDir = join(dir, `data-${script ? 'workers' : 'inline'}`)
      const args = [child, dataDir, wav, ...(script ? [script()] : [])]
      const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 })
      rmSync(dataDir, { recursive: true, force: true })
      expect(run.status, run.stderr).toBe(0)
      const report = JSON.parse(run.stdout) as {
        asset: { ok: boolean; value: { frames: number; channels: number; sampleRate: number } }
        maxRssBytes: number
      }
      expect(report.asset.ok).toBe(true)
      expect(report.asset.value).toMatchObject({
        frames: 3600 * 48000,
        channels: 2,
        sampleRate: 48000,
      })
      console.log(
        `60-minute import ${label}: peak RSS ${(report.maxRssBytes / 2 ** 20).toFixed(0)} MB`,
      )
      expect(report.maxRssBytes).toBeLessThan(LIMIT_BYTES)
    },
    300_000,
  )
})
