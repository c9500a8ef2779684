import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FileWindow } from '../../../src/main/core/audio/file-window'
import { makeTempDir, rng } from '../../helpers/audio'

const tmp = makeTempDir('file-window')
afterAll(() => tmp.cleanup())

describe('FileWindow', () => {
  it('gives the bytes at any offset, moving its window forward and back', async () => {
    const next = rng(5)
    const content = new Uint8Array(100_000).map(() => Math.floor(next() * 256))
    const path = join(tmp.dir, 'data.bin')
    writeFileSync(path, content)
    const file = await FileWindow.open(path, 4096)
    try {
      expect(file.size).toBe(content.length)
      for (const [offset, length] of [
        [0, 10],
        [4090, 20],
        [50_000, 5000],
        [10, 4],
        [99_990, 100],
      ] as const) {
        const i = await file.at(offset, length)
        const available = Math.min(length, content.length - offset)
        expect(file.bytes.length - i).toBeGreaterThanOrEqual(available)
        expect(file.bytes.subarray(i, i + available)).toEqual(
          content.subarray(offset, offset + available),
        )
        expect(file.indexOf(offset, available)).toBe(i)
      }
      expect(file.indexOf(0, 10)).toBe(-1)
    } finally {
      await file.close()
    }
  })
})
