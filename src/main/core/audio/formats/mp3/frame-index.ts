import { FileWindow } from '../../file-window'
import {
  frameLength,
  hasCrc,
  id3v2Size,
  isFrameHeader,
  mainDataBegin,
  parseMp3Frame,
  sideInfoLength,
  streamKey,
  tagFrameLength,
  type Mp3StreamInfo,
} from './header'

/**
 * Where every audio frame of an MP3 file starts, for decoding it in independent segments. Only
 * files that decode the same in segments as in one pass get an index (see indexMp3File).
 */
export interface Mp3FrameIndex {
  /** The first frame's header and Xing/LAME tag. */
  info: Mp3StreamInfo
  layer3: boolean
  /** Audio frames: a Xing/Info tag frame is not one. */
  frames: number
  /** File offset of each audio frame, then the end of the last one (frames + 1 entries). */
  offsets: Float64Array
  /** Layer III: each frame's main_data_begin (bit reservoir bytes it reaches back for). */
  reservoirBack: Uint16Array
  /** Layer III: side information bytes after each header. */
  sideInfo: number
  fileSize: number
}

/**
 * The decoder's delay (ffmpeg's MP3 demuxer counts 528 + 1, as LAME does): samples before the
 * first encoded one.
 */
export const DECODER_DELAY = 529

const HEAD_BYTES = 8192

/**
 * Indexes the frames of an MP3 file by hopping from header to header, or returns undefined when
 * the file must be decoded in one pass: anything but one clean run of frames of one format (free
 * format, CRC-protected layer III, junk between frames, a cut last frame), a bit reservoir that
 * reaches before the data it needs (but in the first frame), or a Xing/Info or VBRI tag frame
 * without a frame count or whose frame count is wrong.
 */
export async function indexMp3File(path: string): Promise<Mp3FrameIndex | undefined> {
  const file = await FileWindow.open(path)
  try {
    return await indexFrames(file)
  } finally {
    await file.close()
  }
}

async function indexFrames(file: FileWindow): Promise<Mp3FrameIndex | undefined> {
  let pos = 0
  for (;;) {
    const at = await file.at(pos, 10)
    const size = id3v2Size(file.bytes, at)
    if (size === 0) break
    pos += size
  }
  let i = await file.at(pos, HEAD_BYTES)
  // Junk before the first frame is left to the one-pass decoder, which looks for it as ffmpeg does.
  if (!isFrameHeader(file.bytes, i)) return undefined
  const first = { key: streamKey(file.bytes, i), layer: (file.bytes[i + 1]! >> 1) & 3 }
  const info = parseMp3Frame(file.bytes, i)
  const layer3 = first.layer === 1
  if (layer3 && hasCrc(file.bytes, i)) return undefined
  const sideInfo = layer3 ? sideInfoLength(file.bytes, i) : 0
  // A tag frame is not audio: the decoders skip it (see tagFrameLength).
  const tagLength = tagFrameLength(file.bytes, i)
  const tagged = tagLength > 0
  if (tagged) {
    if (info.tagFrames === undefined) return undefined
    pos += tagLength
  }

  const offsets = new GrowingArray(Float64Array)
  const reservoirBack = new GrowingArray(Uint16Array)
  // Reservoir bytes that decoding in one pass holds correct for the next frame.
  let reservoir = 0
  for (;;) {
    i = file.indexOf(pos, 6)
    if (i < 0) i = await file.at(pos, 6)
    if (!isFrameHeader(file.bytes, i) || streamKey(file.bytes, i) !== first.key) break
    const length = frameLength(file.bytes, i)
    if (length === 0 || pos + length > file.size) return undefined
    if (layer3) {
      const back = mainDataBegin(file.bytes, i)
      if (back <= reservoir) reservoir = back + length - 4 - sideInfo
      // A first frame whose reservoir is missing (a stream cut from a longer one) decodes the
      // same in one pass and in the first segment: both start with it.
      else if (offsets.length === 0) reservoir = length - 4 - sideInfo
      else return undefined
      reservoirBack.push(back)
    }
    offsets.push(pos)
    pos += length
  }
  const frames = offsets.length
  offsets.push(pos)
  if (frames === 0 || (tagged && info.tagFrames !== frames)) return undefined
  if (await holdsFrameHeader(file, pos, first.key)) return undefined
  return {
    info,
    layer3,
    frames,
    offsets: offsets.take(),
    reservoirBack: reservoirBack.take(),
    sideInfo,
    fileSize: file.size,
  }
}

/** True when the bytes from `pos` to the end (trailing tags, junk) hold a header like `key`'s. */
async function holdsFrameHeader(file: FileWindow, pos: number, key: number): Promise<boolean> {
  for (let at = pos; at + 4 <= file.size;) {
    const i = await file.at(at, 1 << 16)
    const end = file.bytes.length - 3
    for (let j = i; j < end; j++) {
      if (file.bytes[j] === 0xff && isFrameHeader(file.bytes, j)) {
        if (streamKey(file.bytes, j) === key) return true
      }
    }
    at += end - i
  }
  return false
}

type NumberArray = Float64Array | Uint16Array

/** An append-only typed array that doubles its capacity as it fills. */
class GrowingArray<T extends NumberArray> {
  private data: T
  length = 0

  constructor(private readonly Type: { new (length: number): T }) {
    this.data = new Type(1024)
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new this.Type(this.data.length * 2)
      bigger.set(this.data)
      this.data = bigger
    }
    this.data[this.length++] = value
  }

  take(): T {
    return this.data.subarray(0, this.length) as T
  }
}
