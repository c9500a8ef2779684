/** One Ogg page with the packets that end on it. */
export interface OggPacketPage {
  serial: number
  /** Granule position (-1: no packet ends on the page). */
  granule: number
  /** Beginning / end of a logical stream. */
  bos: boolean
  eos: boolean
  /** The packets that end on this page (one begun on an earlier page included, whole). */
  packets: Uint8Array[]
}

const OGG_HEADER = 27

/**
 * Splits Ogg bytes, pushed in pieces of any size, into pages and their packets. Junk between pages
 * is skipped to the next capture pattern, as the WASM decoders did (the page walker of the
 * one-pass decode, ogg-pages.ts, is what reports damage). A packet is a view into the pushed
 * bytes, valid until the next push, unless it spans pages (then it is a copy).
 */
export class OggPacketReader {
  private pending: Uint8Array = new Uint8Array(0)
  /** The start of a packet that continues on the next page. */
  private partial: Uint8Array[] = []

  push(chunk: Uint8Array): OggPacketPage[] {
    const bytes = this.pending.length > 0 ? concat([this.pending, chunk]) : chunk
    const pages: OggPacketPage[] = []
    let at = 0
    for (;;) {
      const sync = findCapture(bytes, at)
      if (sync < 0) {
        // Keep up to three bytes that may be the start of a capture pattern.
        at = Math.max(at, bytes.length - 3)
        break
      }
      at = sync
      if (at + OGG_HEADER > bytes.length) break
      const segments = bytes[at + 26]!
      const bodyAt = at + OGG_HEADER + segments
      if (bodyAt > bytes.length) break
      let body = 0
      for (let s = 0; s < segments; s++) body += bytes[at + OGG_HEADER + s]!
      if (bodyAt + body > bytes.length) break
      pages.push(this.page(bytes, at, segments, bodyAt))
      at = bodyAt + body
    }
    // What is kept must outlive the caller's buffer.
    this.pending = bytes.slice(at)
    return pages
  }

  private page(bytes: Uint8Array, at: number, segments: number, bodyAt: number): OggPacketPage {
    const flags = bytes[at + 5]!
    const view = new DataView(bytes.buffer, bytes.byteOffset + at)
    const packets: Uint8Array[] = []
    // A page that does not continue a packet ends whatever was begun (it was lost).
    if ((flags & 0x01) === 0) this.partial = []
    // A page that continues a packet whose start was not seen: skip to the next packet.
    let skipping = (flags & 0x01) !== 0 && this.partial.length === 0
    let start = bodyAt
    let end = bodyAt
    for (let s = 0; s < segments; s++) {
      const lace = bytes[at + OGG_HEADER + s]!
      end += lace
      if (lace === 255) continue
      if (!skipping) {
        const piece = bytes.subarray(start, end)
        packets.push(this.partial.length > 0 ? concat([...this.partial, piece]) : piece)
      }
      this.partial = []
      skipping = false
      start = end
    }
    if (start < end && !skipping) this.partial.push(bytes.slice(start, end))
    return {
      serial: view.getUint32(14, true),
      granule: Number(view.getBigInt64(6, true)),
      bos: (flags & 0x02) !== 0,
      eos: (flags & 0x04) !== 0,
      packets,
    }
  }
}

function findCapture(bytes: Uint8Array, from: number): number {
  for (let i = from; i + 4 <= bytes.length; i++) {
    if (
      bytes[i] === 0x4f &&
      bytes[i + 1] === 0x67 &&
      bytes[i + 2] === 0x67 &&
      bytes[i + 3] === 0x53
    ) {
      return i
    }
  }
  return -1
}

function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
