import { describe, expect, it } from 'vitest'
import {
  OggPacketReader,
  type OggPacketPage,
} from '../../../src/main/core/audio/formats/ogg/packets'

/** One Ogg page as RFC 3533 lays it out (CRC left 0: the reader does not check it). */
function page(
  body: Uint8Array,
  lacing: number[],
  { granule = 0, flags = 0, serial = 7 }: { granule?: number; flags?: number; serial?: number },
): Uint8Array {
  const out = new Uint8Array(27 + lacing.length + body.length)
  out.set([0x4f, 0x67, 0x67, 0x53, 0, flags])
  const view = new DataView(out.buffer)
  view.setBigInt64(6, BigInt(granule), true)
  view.setUint32(14, serial, true)
  out[26] = lacing.length
  out.set(lacing, 27)
  out.set(body, 27 + lacing.length)
  return out
}

function bytes(length: number, fill: number): Uint8Array {
  return new Uint8Array(length).fill(fill)
}

function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** Each page's packets as [length, first byte] pairs, with its granule and flags. */
function summary(pages: OggPacketPage[]) {
  return pages.map((p) => ({
    granule: p.granule,
    bos: p.bos,
    eos: p.eos,
    packets: p.packets.map((k) => [k.length, k[0]]),
  }))
}

describe('OggPacketReader', () => {
  // Page 1: a 10-byte packet, then the first 255 + 255 bytes of a 600-byte one; page 2 (continued):
  // its last 90 bytes, then a 255-byte packet (lacing 255, 0); page 3: a 1-byte packet, the end.
  const first = page(join(bytes(10, 1), bytes(510, 2)), [10, 255, 255], { granule: 100, flags: 2 })
  const second = page(join(bytes(90, 2), bytes(255, 3)), [90, 255, 0], {
    granule: 200,
    flags: 1,
  })
  const third = page(bytes(1, 4), [1], { granule: 260, flags: 4 })
  const expected = [
    { granule: 100, bos: true, eos: false, packets: [[10, 1]] },
    {
      granule: 200,
      bos: false,
      eos: false,
      packets: [
        [600, 2],
        [255, 3],
      ],
    },
    { granule: 260, bos: false, eos: true, packets: [[1, 4]] },
  ]

  it('gives each page the packets that end on it, a packet across pages joined whole', () => {
    expect(summary(new OggPacketReader().push(join(first, second, third)))).toEqual(expected)
  })

  it('gives the same pages whatever the pieces the bytes come in', () => {
    const all = join(first, second, third)
    for (const size of [1, 3, 27, 100]) {
      const reader = new OggPacketReader()
      const pages: OggPacketPage[] = []
      for (let at = 0; at < all.length; at += size) {
        // Packets are views valid until the next push: summarise them at once.
        pages.push(...reader.push(all.slice(at, at + size)))
      }
      expect(summary(pages)).toEqual(expected)
    }
  })

  it('skips junk between pages, and the rest of a packet whose start it did not see', () => {
    const pages = new OggPacketReader().push(join(bytes(40, 0x4f), second, bytes(5, 9), third))
    expect(summary(pages)).toEqual([
      { granule: 200, bos: false, eos: false, packets: [[255, 3]] },
      { granule: 260, bos: false, eos: true, packets: [[1, 4]] },
    ])
  })

  it('drops a packet begun on a page that the next page does not continue', () => {
    const pages = new OggPacketReader().push(join(first, third))
    expect(summary(pages).map((p) => p.packets)).toEqual([[[10, 1]], [[1, 4]]])
  })
})
