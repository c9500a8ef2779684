import { randomBytes } from 'node:crypto'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ContentStore } from '../../../src/main/core/assets/content-store'
import { tempDir } from '../../helpers/temp'

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

describe('content-addressed asset store', () => {
  it('stores bytes under assets/<first two hex>/<sha256>.<ext>', async () => {
    const dir = tempDir()
    const store = new ContentStore(dir)
    const bytes = randomBytes(5000)
    const stored = await store.putBytes(bytes, 'wav')
    const hash = sha(bytes)
    expect(stored).toMatchObject({ sha256: hash, ext: 'wav', size: 5000, created: true })
    expect(stored.path).toBe(join(dir, 'assets', hash.slice(0, 2), `${hash}.wav`))
    expect(readFileSync(stored.path).equals(bytes)).toBe(true)
  })

  it('stores the same bytes once and leaves no temporary files', async () => {
    const dir = tempDir()
    const store = new ContentStore(dir)
    const bytes = randomBytes(1000)
    const first = await store.putBytes(bytes, 'flac')
    const second = await store.putBytes(bytes, 'flac')
    expect(second).toMatchObject({ path: first.path, created: false })
    const shard = readdirSync(join(dir, 'assets', first.sha256.slice(0, 2)))
    expect(shard).toEqual([`${first.sha256}.flac`])
    expect(readdirSync(join(dir, 'assets', 'tmp'))).toEqual([])
  })

  it('copies a file in chunks with the same address as its bytes', async () => {
    const dir = tempDir()
    const source = join(dir, 'source.bin')
    const bytes = randomBytes(3 * 1024 * 1024 + 17)
    writeFileSync(source, bytes)
    const store = new ContentStore(dir)
    const stored = await store.putFile(source, 'mp3')
    expect(stored.sha256).toBe(sha(bytes))
    expect(stored.size).toBe(bytes.length)
  })

  it('cleans up and reports a source that cannot be read', async () => {
    const dir = tempDir()
    const store = new ContentStore(dir)
    await expect(store.putFile(join(dir, 'missing.wav'), 'wav')).rejects.toThrow(/ENOENT/)
    expect(readdirSync(join(dir, 'assets', 'tmp'))).toEqual([])
  })

  it('writes a blob given in chunks, handing each chunk back once it is written', async () => {
    const dir = tempDir()
    const store = new ContentStore(dir)
    const bytes = randomBytes(70 * 1024 * 1024 + 5) // past the in-flight limit and a sync step
    const writer = await store.begin()
    const handedBack: Uint8Array[] = []
    for (let at = 0; at < bytes.length; at += 3 * 1024 * 1024) {
      await writer.write(bytes.subarray(at, at + 3 * 1024 * 1024), (chunk) =>
        handedBack.push(chunk),
      )
    }
    const stored = await store.commit(writer, 'wav')
    expect(stored).toMatchObject({ sha256: sha(bytes), size: bytes.length, created: true })
    expect(handedBack).toHaveLength(Math.ceil(bytes.length / (3 * 1024 * 1024)))
    expect(readFileSync(stored.path).equals(bytes)).toBe(true)
    expect(readdirSync(join(dir, 'assets', 'tmp'))).toEqual([])
  })

  it('removes an aborted blob and refuses more bytes for it', async () => {
    const dir = tempDir()
    const store = new ContentStore(dir)
    const writer = await store.begin()
    await writer.write(randomBytes(1000))
    await writer.abort()
    await expect(writer.write(randomBytes(10))).rejects.toThrow(/aborted/)
    expect(readdirSync(join(dir, 'assets', 'tmp'))).toEqual([])
    expect(readdirSync(join(dir, 'assets'))).toEqual(['tmp'])
  })

  it('refuses paths that are not content addresses', () => {
    const store = new ContentStore(tempDir())
    expect(() => store.pathOf('../../etc/passwd', 'wav')).toThrow(/not a content address/)
    expect(() => store.pathOf('a'.repeat(64), 'w/v')).toThrow(/not a content address/)
  })
})
