import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BlobWriter } from '../../../src/main/core/assets/blob-writer'
import { AlignedBlocks, AlignedSlots } from '../../../src/main/core/direct-io/aligned-memory'
import { DirectFile } from '../../../src/main/core/direct-io/direct-file'
import { DIRECT_IO_ALIGN } from '../../../src/main/core/direct-io/direct-io'
import { makeTempDir } from '../../helpers/audio'

const EXT4 = 0xef53
const disk = makeTempDir('direct-io')
// A filesystem in memory: its direct I/O depends on the kernel (accepted since Linux 6.6, with
// any alignment; refused before). Either way the bytes must land.
const memoryDir = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/musicsketch-direct-io-') : null
afterAll(() => {
  disk.cleanup()
  if (memoryDir) rmSync(memoryDir, { recursive: true, force: true })
})

/** Whether `dir` is on ext4 under Linux, which takes aligned direct writes and refuses others. */
function strictDirectIo(dir: string): boolean {
  return process.platform === 'linux' && statfsSync(dir).type === EXT4
}

const dirs = [
  ['a disk folder', disk.dir],
  ...(memoryDir ? [['a tmpfs folder', memoryDir]] : []),
] as [string, string][]

function filled(view: Uint8Array, seed: number): Uint8Array {
  view.set(randomBytes(view.length))
  view[0] = seed
  return view
}

describe('aligned memory', () => {
  it('hands out blocks at aligned offsets that do not overlap, reusing its memory', () => {
    const blocks = new AlignedBlocks()
    const first = blocks.take(3, 10_000)
    expect(first.map((b) => b.byteOffset % DIRECT_IO_ALIGN)).toEqual([0, 0, 0])
    expect(first.map((b) => b.length)).toEqual([10_000, 10_000, 10_000])
    expect(first[1]!.byteOffset).toBeGreaterThanOrEqual(first[0]!.byteOffset + 10_000)
    expect(blocks.take(2, 10_000)[0]!.buffer).toBe(first[0]!.buffer)
    expect(blocks.take(40, 10_000)[0]!.buffer).not.toBe(first[0]!.buffer)
  })

  it('gives slots back for reuse', () => {
    const slots = new AlignedSlots(8192, 2)
    const a = slots.take()
    const b = slots.take()
    expect(a.buffer).toBe(b.buffer)
    expect([a.byteOffset, b.byteOffset].sort((x, y) => x - y)).toEqual([0, 8192])
    slots.give(a)
    expect(slots.take()).toBe(a)
    expect(slots.take().buffer).not.toBe(a.buffer)
  })

  it('keeps no more free slots than its limit', () => {
    const slots = new AlignedSlots(4096, 2, 3)
    const taken = Array.from({ length: 6 }, () => slots.take())
    expect(new Set(taken.map((slot) => slot.buffer)).size).toBe(3)
    for (const slot of taken) slots.give(slot)
    const again = Array.from({ length: 4 }, () => slots.take())
    // Three came back from the pool (the last given first), the fourth is new memory.
    expect(again.slice(0, 3).every((slot, i) => slot === taken[2 - i])).toBe(true)
    expect(taken.some((slot) => slot.buffer === again[3]!.buffer)).toBe(false)
  })
})

describe.each(dirs)('DirectFile in %s', (_, dir) => {
  const strict = strictDirectIo(dir)

  it('writes aligned blocks directly and the rest through the cache, bytes in place', () => {
    const path = join(dir, `aligned-${Math.random()}.bin`)
    const size = 5 * DIRECT_IO_ALIGN + 1234
    writeFileSync(path, Buffer.alloc(size, 0xee))
    const [whole, tail] = new AlignedBlocks().take(2, 3 * DIRECT_IO_ALIGN + 100)
    const file = DirectFile.open(path)
    try {
      // At an aligned position: three whole blocks directly, the last 100 bytes cached.
      file.write(filled(whole!, 1), 3 * DIRECT_IO_ALIGN + 100, DIRECT_IO_ALIGN)
      // At an unaligned position: all through the cache.
      file.write(filled(tail!, 2), 1000, 10)
    } finally {
      file.close()
    }
    const expectedBytes = Buffer.alloc(size, 0xee)
    expectedBytes.set(whole!.subarray(0, 3 * DIRECT_IO_ALIGN + 100), DIRECT_IO_ALIGN)
    expectedBytes.set(tail!.subarray(0, 1000), 10)
    expect(readFileSync(path).equals(expectedBytes)).toBe(true)
    if (strict) expect(file.wroteDirect).toBe(true)
  })

  it('falls back to the cache where the memory is refused for direct writes', () => {
    const path = join(dir, `unaligned-${Math.random()}.bin`)
    writeFileSync(path, Buffer.alloc(0))
    // 16 bytes past a page boundary: no sector size allows direct writes from there.
    const [block] = new AlignedBlocks().take(1, 2 * DIRECT_IO_ALIGN + 16)
    const bytes = filled(block!.subarray(16), 3)
    const file = DirectFile.open(path)
    try {
      file.write(bytes, bytes.length, 0)
      file.write(bytes, DIRECT_IO_ALIGN, 2 * DIRECT_IO_ALIGN)
    } finally {
      file.close()
    }
    const written = readFileSync(path)
    expect(written.subarray(0, bytes.length).equals(bytes)).toBe(true)
    expect(written.subarray(2 * DIRECT_IO_ALIGN).equals(bytes.subarray(0, DIRECT_IO_ALIGN))).toBe(
      true,
    )
    if (strict) expect(file.wroteDirect).toBe(false)
  })

  it('reports a file that is not there', () => {
    expect(() => DirectFile.open(join(dir, 'missing.bin'))).toThrow(/ENOENT/)
  })
})

describe.each(dirs)('BlobWriter in %s', (_, dir) => {
  it('stores chunks of any size and position, hashing exactly the bytes given', async () => {
    const sizes = [3 * DIRECT_IO_ALIGN, 5, 4 << 20, (4 << 20) + 3 * DIRECT_IO_ALIGN + 7, 100, 0]
    const chunks = sizes.map((size) => randomBytes(size))
    const path = join(dir, `blob-${Math.random()}.part`)
    const writer = await BlobWriter.create(path)
    let handedBack = 0
    for (const chunk of chunks) await writer.write(chunk, () => handedBack++)
    const all = Buffer.concat(chunks)
    const { sha256, size } = await writer.finish()
    expect(size).toBe(all.length)
    expect(sha256).toBe(createHash('sha256').update(all).digest('hex'))
    expect(readFileSync(path).equals(all)).toBe(true)
    expect(handedBack).toBe(chunks.length)
  })
})
