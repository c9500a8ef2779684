import { spawnSync } from 'node:child_process'
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../../src/main/core/core'
import { createFileLog } from '../../../src/main/core/log'
import { Secrets } from '../../../src/main/core/secrets/secrets'
import { MediaCapabilities } from '../../../src/main/host/media-capabilities'
import { startHost, type Host } from '../../../src/main/host/server'
import { memoryKeychain } from '../../helpers/core'
import { tempDir } from '../../helpers/temp'
import { toneWav } from '../../helpers/tone'

/** A small tmpfs as the data disk; needs the right to mount (root, CAP_SYS_ADMIN). */
function mountSmallDisk(): { dir: string; unmount: () => void } | { skip: string } {
  // Not tempDir(): its cleanup would try to remove the mount point while mounted.
  const dir = mkdtempSync(join(tmpdir(), 'musicsketch-disk-'))
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=12m,mode=0700', 'tmpfs', dir], {
    encoding: 'utf8',
  })
  if (mounted.status !== 0) {
    return {
      skip: `cannot mount a tmpfs here (${(mounted.stderr || mounted.error?.message || '').trim()})`,
    }
  }
  return {
    dir,
    unmount: () => {
      spawnSync('umount', [dir])
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const disk = mountSmallDisk()
let core: Core | undefined
let host: Host | undefined
afterAll(async () => {
  await host?.close()
  core?.close()
  if ('unmount' in disk) disk.unmount()
})

if ('skip' in disk) console.info(`full-disk run skipped: ${disk.skip}`)

/** Fills the disk to the last byte with one file; returns its path. */
function fill(dir: string): string {
  const path = join(dir, 'filler')
  const fd = openSync(path, 'w')
  const block = Buffer.alloc(64 * 1024, 1)
  try {
    for (;;) writeSync(fd, block)
  } catch (error) {
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC')
  }
  // Then the last bytes, so that not even a small write fits.
  try {
    for (;;) writeSync(fd, block, 0, 512)
  } catch {
    // Full.
  }
  closeSync(fd)
  return path
}

describe('a full data disk', () => {
  it.skipIf('skip' in disk)(
    'answers disk_full, keeps serving reads and logs again once there is room',
    async () => {
      if (!('dir' in disk)) return
      const dataDir = join(disk.dir, 'data')
      const logPath = join(dataDir, 'logs', 'musicsketch.log')
      const log = createFileLog(logPath)
      const capabilities = new MediaCapabilities()
      core = createCore({
        dataDir,
        secrets: new Secrets(memoryKeychain(), {}),
        fetch: () => Promise.reject(new Error('no network in this test')),
        clock: Date.now,
        log,
        mode: 'browser',
        env: {},
        mediaUrl: (assetId) => capabilities.urlFor(assetId),
      })
      const rendererDir = join(tempDir(), 'renderer')
      mkdirSync(rendererDir)
      host = await startHost({ core, rendererDir, log, capabilities })
      const call = async (method: string, input: unknown) => {
        const result = await core!.dispatch(method, input)
        if (!result.ok) throw new Error(JSON.stringify(result.error))
        return result.value as { id: string; url: string }
      }
      const wav = join(tempDir(), 'tone.wav')
      toneWav(wav, 0.5)
      const project = await call('projects.create', { name: 'Before' })
      const asset = await call('assets.import', { projectId: project.id, path: wav })

      const filler = fill(disk.dir)
      const codes = new Map<string, number>()
      let maxMs = 0
      const writes = 200
      for (let i = 0; i < writes; i++) {
        const started = performance.now()
        const result =
          i % 3 === 0
            ? await core.dispatch('projects.create', { name: `Full ${i} ${'x'.repeat(100)}` })
            : i % 3 === 1
              ? await core.dispatch('tracks.create', { projectId: project.id, name: `T${i}` })
              : await core.dispatch('assets.import', {
                  projectId: project.id,
                  name: 'b.wav',
                  data: readFileSync(wav).toString('base64'),
                })
        maxMs = Math.max(maxMs, performance.now() - started)
        const code = result.ok ? 'ok' : result.error.code
        codes.set(code, (codes.get(code) ?? 0) + 1)
        if (!result.ok && code === 'disk_full')
          expect(result.error.message).toMatch(/disk .* is full/)
      }
      console.info(
        `full-disk run: ${writes} writes on a full 12 MB tmpfs, answers ${JSON.stringify(Object.fromEntries(codes))}, ` +
          `0 crashes, max ${Math.round(maxMs)} ms per call, max RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
      )
      expect(codes.get('disk_full') ?? 0).toBeGreaterThan(0)
      expect(codes.get('internal') ?? 0).toBe(0)

      // Reads go on: the contract, and the audio over HTTP.
      expect(await core.dispatch('projects.list', {})).toMatchObject({ ok: true })
      expect(await core.dispatch('projects.get', { projectId: project.id })).toMatchObject({
        ok: true,
      })
      const { url } = await call('assets.mediaUrl', { assetId: asset.id })
      const media = await fetch(`http://127.0.0.1:${host.port}${url}`)
      expect(media.status).toBe(200)
      expect((await media.arrayBuffer()).byteLength).toBeGreaterThan(40_000)

      // Room again: writes work and the log says what it dropped.
      rmSync(filler)
      expect(await core.dispatch('projects.create', { name: 'After' })).toMatchObject({ ok: true })
      log.info('room again')
      expect(readFileSync(logPath, 'utf8')).toMatch(/log lines were dropped \(ENOSPC\)/)
    },
    300_000,
  )
})
