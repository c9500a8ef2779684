import { describe, expect, it } from 'vitest'
import { BufferPool } from '../../../src/main/core/export/buffer-pool'

describe('BufferPool', () => {
  it('hands back the smallest kept buffer that fits, and keeps no more than its limit', () => {
    const pool = new BufferPool(300)
    const small = new ArrayBuffer(100)
    const large = new ArrayBuffer(200)
    pool.give(large)
    pool.give(small)
    pool.give(new ArrayBuffer(50)) // over the limit: dropped
    expect(pool.take(80)).toBe(small)
    expect(pool.take(80)).toBe(large)
    expect(pool.take(80)).not.toBe(small)
    expect(pool.take(80).byteLength).toBe(80)
  })
})
