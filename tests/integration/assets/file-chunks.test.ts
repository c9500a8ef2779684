import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { bufferPoolFor, readChunks } from '../../../src/main/core/assets/file-chunks'

const dir = mkdtempSync(join(tmpdir(), 'musicsketch-chunks-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('file chunks', () => {
  it('sizes read buffers to the file, up to the chunk size', () => {
    expect(bufferPoolFor(10, 1 << 20, 6).bufferBytes).toBe(10)
    expect(bufferPoolFor(0, 1 << 20, 6).bufferBytes).toBe(1)
    expect(bufferPoolFor(5 << 20, 1 << 20, 6).bufferBytes).toBe(1 << 20)
  })

  it('reads a file in order through a small pool, reusing released buffers', async () => {
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251))
    const path = join(dir, 'data.bin')
    writeFileSync(path, bytes)
    const file = await open(path, 'r')
    const pool = bufferPoolFor(bytes.length, 64, 2)
    const parts: Buffer[] = []
    for await (const chunk of readChunks(file, 0, pool)) {
      parts.push(Buffer.from(chunk))
      pool.release(chunk)
    }
    await file.close()
    expect(Buffer.concat(parts).equals(bytes)).toBe(true)
    expect(parts.every((p) => p.length <= 64)).toBe(true)
  })
})
