import { FileWindow } from '../../file-window'

/** One Ogg page as the index keeps it. */
export interface OggPageIndex {
  /** File offset of each page, then the end of the last one (pages + 1 entries). */
  offsets: Float64Array
  /** Each page's granule position (-1: no packet ends on the page). */
  granules: Float64Array
  /** Each page: its last packet ends on it (a packet does not run on into the next page). */
  closed: Uint8Array
  /** The first page holding audio (after the header packets). */
  firstAudio: number
}

const OGG_HEADER = 27

/**
 * Walks the pages of an Ogg file, or returns undefined when it must be decoded in one pass
 * (where the page walker of the one-pass decode gives its errors): anything but one logical
 * stream (a chained or multiplexed file), a damaged or cut page, junk after the last page, a
 * stream that does not end on its end-of-stream page. `headerPackets`: packets before the
 * audio (Vorbis 3, Opus 2).
 */
export async function indexOggPages(
  path: string,
  headerPackets: number,
): Promise<OggPageIndex | undefined> {
  const file = await FileWindow.open(path)
  try {
    return await walk(file, headerPackets)
  } finally {
    await file.close()
  }
}

async function walk(file: FileWindow, headerPackets: number): Promise<OggPageIndex | undefined> {
  const offsets: number[] = []
  const granules: number[] = []
  const closed: number[] = []
  let serial: number | undefined
  let packets = 0
  let firstAudio = -1
  let pos = 0
  let eos = false
  while (pos < file.size) {
    if (eos) return undefined
    let i = await file.at(pos, OGG_HEADER + 255)
    const b = file.bytes
    if (i + OGG_HEADER > b.length) return undefined
    if (b[i] !== 0x4f || b[i + 1] !== 0x67 || b[i + 2] !== 0x67 || b[i + 3] !== 0x53) {
      return undefined
    }
    const flags = b[i + 5]!
    const view = new DataView(b.buffer, b.byteOffset + i)
    const granule = view.getBigInt64(6, true)
    const pageSerial = view.getUint32(14, true)
    const segments = b[i + 26]!
    if (i + OGG_HEADER + segments > b.length) return undefined
    if (serial === undefined) serial = pageSerial
    else if (pageSerial !== serial || (flags & 0x02) !== 0) return undefined
    let body = 0
    let ended = 0
    for (let s = 0; s < segments; s++) {
      const lace = b[i + OGG_HEADER + s]!
      body += lace
      if (lace < 255) ended++
    }
    const last = segments > 0 ? b[i + OGG_HEADER + segments - 1]! : 255
    const length = OGG_HEADER + segments + body
    if (pos + length > file.size) return undefined
    if (packets >= headerPackets && firstAudio < 0) firstAudio = offsets.length
    packets += ended
    offsets.push(pos)
    granules.push(Number(granule))
    closed.push(last < 255 ? 1 : 0)
    eos = (flags & 0x04) !== 0
    pos += length
    i = 0
  }
  if (!eos || firstAudio < 0) return undefined
  offsets.push(pos)
  return {
    offsets: Float64Array.from(offsets),
    granules: Float64Array.from(granules),
    closed: Uint8Array.from(closed),
    firstAudio,
  }
}
