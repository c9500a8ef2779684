import { Tensor } from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import { KvCache, ROOM_CHUNK } from '../../../../src/main/core/providers/local/kv-cache'

// The cache as the decoder sees it: [batch, heads, room, headDim] buffers whose first
// `past_length` positions hold every key appended so far, in order, for every head.

const shape = { layers: 1, batch: 2, heads: 3, headDim: 2, capacity: 70 }
const rows = shape.batch * shape.heads

/** New positions for one call: the value encodes (row, position, dim) so any misplacement shows. */
function added(from: number, count: number, sign: number): Tensor {
  const data = new Float32Array(rows * count * shape.headDim)
  for (let r = 0; r < rows; r++)
    for (let p = 0; p < count; p++)
      for (let d = 0; d < shape.headDim; d++)
        data[(r * count + p) * shape.headDim + d] = sign * (r * 1000 + (from + p) * 10 + d)
  return new Tensor('float32', data, [shape.batch, shape.heads, count, shape.headDim])
}

function append(cache: KvCache, count: number): void {
  const from = cache.length
  cache.append({
    'new.0.decoder.key': added(from, count, 1),
    'new.0.decoder.value': added(from, count, -1),
  })
}

describe('KvCache', () => {
  it('keeps every appended position where the decoder reads it, across growths of its room', () => {
    const cache = new KvCache(shape)
    append(cache, 5)
    for (let i = 0; i < 60; i++) append(cache, 1)
    expect(cache.length).toBe(65)
    expect(cache.room).toBe(Math.min(shape.capacity, 3 * ROOM_CHUNK))
    const feeds = cache.pastFeeds()
    expect(feeds.past_length!.data).toEqual(BigInt64Array.of(65n))
    for (const [name, sign] of [
      ['past_key_values.0.decoder.key', 1],
      ['past_key_values.0.decoder.value', -1],
    ] as const) {
      const past = feeds[name]!
      expect(past.dims).toEqual([shape.batch, shape.heads, cache.room, shape.headDim])
      const data = past.data as Float32Array
      for (let r = 0; r < rows; r++)
        for (let p = 0; p < 65; p++)
          for (let d = 0; d < shape.headDim; d++)
            expect(data[(r * cache.room + p) * shape.headDim + d]).toBe(
              sign * (r * 1000 + p * 10 + d),
            )
    }
  })

  it('refuses more positions than the take needs', () => {
    const cache = new KvCache(shape)
    append(cache, 70)
    expect(() => append(cache, 1)).toThrow(RangeError)
  })
})
