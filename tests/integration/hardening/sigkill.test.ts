import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeAudioFile } from '../../../src/main/core/audio/decode'
import { bundleChild } from '../../helpers/bundle'
import { startCore } from '../../helpers/core'

// Issue 17, standing suite: a process killed (SIGKILL) at any moment of an import and an export
// leaves no partial file under a final name, in the store or the export folder, and the next
// start imports and exports again. The kills fall across the whole run: every tenth of the time
// an unkilled run takes (import, placing, rendering, publishing).
const KILLS = 10

const dir = mkdtempSync(join(tmpdir(), 'musicsketch-sigkill-'))
const source = join(dir, 'source.wav')
let child = ''
afterAll(() => rmSync(dir, { recursive: true, force: true }))
beforeAll(async () => {
  const made = spawnSync('sox', [
    ...['-n', '-r', '48000', '-c', '2', '-b', '24', source],
    ...['synth', '90', 'pinknoise', 'vol', '0.3'],
  ])
  expect(made.status, made.stderr.toString()).toBe(0)
  child = await bundleChild(join(import.meta.dirname, '../children/export-stems.ts'))
}, 120_000)

/** Runs the import-and-export child; kills it after `killAfterMs` (null: lets it finish). */
function run(dataDir: string, out: string, killAfterMs: number | null): Promise<number> {
  const started = performance.now()
  const proc = spawn(process.execPath, [child, dataDir, source, out], { stdio: 'ignore' })
  const timer = killAfterMs === null ? null : setTimeout(() => proc.kill('SIGKILL'), killAfterMs)
  return new Promise((resolve, reject) => {
    proc.once('exit', (code, signal) => {
      if (timer) clearTimeout(timer)
      if (code === 0 || signal === 'SIGKILL') resolve(performance.now() - started)
      else reject(new Error(`the child exited with ${code}`))
    })
  })
}

/** Every blob in the store holds exactly the bytes its name says (no partial blob). */
function checkStore(dataDir: string): number {
  const root = join(dataDir, 'assets')
  let blobs = 0
  for (const shard of readdirSync(root, { withFileTypes: true })) {
    if (!shard.isDirectory() || !/^[0-9a-f]{2}$/.test(shard.name)) continue
    for (const name of readdirSync(join(root, shard.name))) {
      const blob = /^([0-9a-f]{64})\.[a-z0-9]+$/.exec(name)
      if (!blob) continue
      const bytes = readFileSync(join(root, shard.name, name))
      expect(createHash('sha256').update(bytes).digest('hex'), name).toBe(blob[1])
      blobs++
    }
  }
  return blobs
}

/** Every visible file in the export folder is whole: WAVs decode to the end, JSON parses. */
async function checkExport(out: string): Promise<number> {
  let files = 0
  for (const name of readdirSync(out)) {
    if (name.startsWith('.')) continue // a temporary file, never a final name
    const path = join(out, name)
    if (name.endsWith('.json')) JSON.parse(readFileSync(path, 'utf8'))
    else {
      const stream = decodeAudioFile(path)
      let frames = 0
      for await (const chunk of stream.frames()) frames += chunk[0]!.length
      expect(frames, name).toBe(90 * 48000)
    }
    files++
  }
  return files
}

describe('SIGKILL during an import and an export', () => {
  it(`leaves only whole files at ${KILLS} kill points, and the next start works`, async () => {
    mkdirSync(join(dir, 'out-whole'))
    const whole = await run(join(dir, 'data-whole'), join(dir, 'out-whole'), null)
    let blobs = 0
    let exported = 0
    for (let k = 0; k < KILLS; k++) {
      const dataDir = join(dir, `data-${k}`)
      const out = join(dir, `out-${k}`)
      mkdirSync(out, { recursive: true })
      await run(dataDir, out, Math.round((whole * k) / KILLS))
      if (statSync(join(dataDir, 'assets'), { throwIfNoEntry: false })) blobs += checkStore(dataDir)
      exported += await checkExport(out)
      // The next start: the store opens, and the same import and export succeed.
      const core = startCore(dataDir, { workerScript: null })
      try {
        const project = await core.call('projects.create', { name: 'After the kill' })
        const asset = await core.call('assets.import', { projectId: project.id, path: source })
        expect(asset.frames).toBe(90 * 48000)
      } finally {
        core.close()
      }
    }
    console.log(
      `SIGKILL runs: ${KILLS} kills over ${(whole / 1000).toFixed(1)} s, ` +
        `${blobs} blobs and ${exported} exported files checked whole`,
    )
  }, 1_200_000)
})
