import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ContentStore } from '../../../src/main/core/assets/content-store'
import { encodeWav } from '../../../src/main/core/audio/formats/wav/encode'
import { BLOB_GRACE_MS, TEMP_GRACE_MS } from '../../../src/main/core/assets/store-sweep'
import { startCore } from '../../helpers/core'
import { tempDir } from '../../helpers/temp'

const MINUTE = 60_000

/** Sets a file's modification time `ms` into the past. */
function age(path: string, ms: number): void {
  const then = new Date(Date.now() - ms)
  utimesSync(path, then, then)
}

/** A short mono tone, different for each seed. */
function wavBytes(seed: number): Uint8Array {
  const tone = Float32Array.from({ length: 4800 }, (_, i) => 0.25 * Math.sin(i * 0.01 * seed))
  return encodeWav({ sampleRate: 48000, channels: [tone] }, { format: 'int16' })
}

describe('content store sweep', () => {
  it('removes unreferenced blobs and temporary files past their grace, and nothing else', async () => {
    const dir = tempDir()
    const store = new ContentStore(dir)
    const kept = await store.putBytes(randomBytes(3000), 'wav')
    const orphan = await store.putBytes(randomBytes(5000), 'flac')
    const fresh = await store.putBytes(randomBytes(100), 'mp3')
    age(kept.path, 2 * BLOB_GRACE_MS)
    age(orphan.path, BLOB_GRACE_MS + MINUTE)
    const tmp = join(dir, 'assets', 'tmp')
    writeFileSync(join(tmp, 'old.part'), randomBytes(700))
    age(join(tmp, 'old.part'), TEMP_GRACE_MS + MINUTE)
    writeFileSync(join(tmp, 'recent.part'), 'x')
    age(join(tmp, 'recent.part'), TEMP_GRACE_MS - MINUTE)
    // Not the store's: a note in a shard, a blob name in the wrong shard, another folder.
    const shard = join(dir, 'assets', orphan.sha256.slice(0, 2))
    writeFileSync(join(shard, 'notes.txt'), 'mine')
    const misplaced = `${'ab'.repeat(32)}.wav`
    mkdirSync(join(dir, 'assets', 'cd'))
    writeFileSync(join(dir, 'assets', 'cd', misplaced), 'x')
    mkdirSync(join(dir, 'assets', 'exports'))
    writeFileSync(join(dir, 'assets', 'exports', `${orphan.sha256}.flac`), 'x')
    for (const path of [join(shard, 'notes.txt'), join(dir, 'assets', 'cd', misplaced)]) {
      age(path, 2 * TEMP_GRACE_MS)
    }

    const result = await store.sweep(new Set([`${kept.sha256}.wav`]), Date.now())

    expect(result.removed.sort()).toEqual(
      [join(orphan.sha256.slice(0, 2), `${orphan.sha256}.flac`), join('tmp', 'old.part')].sort(),
    )
    expect(result.bytes).toBe(5000 + 700)
    expect(existsSync(orphan.path)).toBe(false)
    for (const path of [
      kept.path,
      fresh.path,
      join(tmp, 'recent.part'),
      join(shard, 'notes.txt'),
    ]) {
      expect(existsSync(path), path).toBe(true)
    }
    expect(readdirSync(join(dir, 'assets', 'cd'))).toEqual([misplaced])
    expect(readdirSync(join(dir, 'assets', 'exports'))).toHaveLength(1)
  })

  it('keeps an old blob that a commit has just brought back', async () => {
    const dir = tempDir()
    const store = new ContentStore(dir)
    const bytes = randomBytes(4000)
    const first = await store.putBytes(bytes, 'wav')
    age(first.path, 3 * BLOB_GRACE_MS)
    // The set of blobs in use was read before the new asset row was written.
    const referenced = new Set<string>()
    const again = await store.putBytes(bytes, 'wav')
    expect(again.created).toBe(false)
    const result = await store.sweep(referenced, Date.now())
    expect(result.removed).toEqual([])
    expect(existsSync(first.path)).toBe(true)
    expect(Date.now() - statSync(first.path).mtimeMs).toBeLessThan(BLOB_GRACE_MS)
  })

  it('frees the audio of a deleted project, keeping what another project uses', async () => {
    const dir = tempDir()
    const source = (name: string, seed: number) => {
      const path = join(dir, name)
      writeFileSync(path, wavBytes(seed))
      return path
    }
    const shared = source('shared.wav', 1)
    const own = source('own.wav', 2)
    const data = join(dir, 'data')
    let core = startCore(data)
    const doomed = await core.call('projects.create', { name: 'Doomed' })
    const keeper = await core.call('projects.create', { name: 'Keeper' })
    await core.call('assets.import', { projectId: doomed.id, path: shared })
    await core.call('assets.import', { projectId: doomed.id, path: own })
    const kept = await core.call('assets.import', { projectId: keeper.id, path: shared })
    const blobs = () =>
      readdirSync(join(data, 'assets'))
        .filter((name) => /^[0-9a-f]{2}$/.test(name))
        .flatMap((shard) => readdirSync(join(data, 'assets', shard)).map((f) => join(shard, f)))
    expect(blobs()).toHaveLength(2)
    await core.call('projects.delete', { projectId: doomed.id })
    // Just imported: still within its grace, so the sweep after the deletion keeps it. Sweeps run
    // one at a time: once one queued after it (keeping every blob) is done, that one is too.
    await core.contentStore.sweep(new Set(blobs().map((blob) => basename(blob))), Date.now())
    expect(blobs()).toHaveLength(2)
    core.close()

    for (const blob of blobs()) age(join(data, 'assets', blob), BLOB_GRACE_MS + MINUTE)
    core = startCore(data)
    try {
      await expect.poll(() => blobs().length, { timeout: 10_000 }).toBe(1)
      const media = await core.media(kept.id)
      expect(media?.kind === 'file' && existsSync(media.path)).toBe(true)
      // The sweep logs after it removed the blobs: wait for the line rather than race it.
      await expect
        .poll(() => core.log.lines.some((line) => line.includes('content store swept')))
        .toBe(true)
    } finally {
      core.close()
    }
  })
})
