import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readRange, readRangePieces } from '../../../src/main/core/audio/read-range'

const dir = mkdtempSync(join(tmpdir(), 'musicsketch-read-range-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, size: number): { path: string; bytes: Uint8Array } {
  const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 7 + (i >> 8)) & 0xff)
  const path = join(dir, name)
  writeFileSync(path, bytes)
  return { path, bytes }
}

describe('reading a range of a file in pieces', () => {
  it("gives the range's bytes in order, in pieces of at most the size asked, in one buffer", async () => {
    const { path, bytes } = file('pieces.bin', 300_000)
    const pieces: Uint8Array[] = []
    const buffers = new Set<ArrayBufferLike>()
    for await (const piece of readRangePieces(path, 1000, 250_001, 'test', 65_536)) {
      expect(piece.length).toBeLessThanOrEqual(65_536)
      buffers.add(piece.buffer)
      pieces.push(piece.slice())
    }
    expect(buffers.size).toBe(1)
    expect(Buffer.concat(pieces)).toEqual(Buffer.from(bytes.subarray(1000, 250_001)))
    expect(await readRange(path, 1000, 250_001, 'test')).toEqual(bytes.subarray(1000, 250_001))
  })

  it('gives nothing for an empty range', async () => {
    const { path } = file('empty-range.bin', 100)
    const pieces: Uint8Array[] = []
    for await (const piece of readRangePieces(path, 50, 50, 'test', 16)) pieces.push(piece)
    expect(pieces).toEqual([])
  })

  it('says so when the file became shorter than the range', async () => {
    const { path } = file('shrunk.bin', 200_000)
    truncateSync(path, 100_000)
    const reading = async () => {
      for await (const piece of readRangePieces(path, 0, 200_000, 'FLAC', 65_536)) void piece
    }
    await expect(reading()).rejects.toThrow('the FLAC file became shorter while it was decoded')
  })
})
