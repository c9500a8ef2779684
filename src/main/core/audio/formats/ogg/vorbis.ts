import type { ChunkDecoder } from '../../chunk-decoder'
import { firstPacketOffset, OggChunkDecoder } from './decode'
import { FfmpegOggDecoder } from './ffmpeg'

/**
 * Streaming Ogg Vorbis decoder over FFmpeg's Vorbis decoder (WASM, ogg-ffmpeg.ts). Rate and
 * channels come from the Vorbis identification header; the last page's granule position trims
 * the end, so the samples and their count are ffmpeg's.
 */
export function createVorbisDecoder(): Promise<ChunkDecoder> {
  return Promise.resolve(
    new OggChunkDecoder('Vorbis', new FfmpegOggDecoder('vorbis'), readVorbisHeader),
  )
}

/** '\x01vorbis', version (u32), channels (u8), rate (u32 LE). */
export function readVorbisHeader(
  page: Uint8Array,
): { channels: number; sampleRate: number } | undefined {
  const p = firstPacketOffset(page)
  if (p < 0 || p + 16 > page.length) return undefined
  const channels = page[p + 11]!
  const sampleRate =
    (page[p + 12]! | (page[p + 13]! << 8) | (page[p + 14]! << 16) | (page[p + 15]! << 24)) >>> 0
  return channels > 0 && sampleRate > 0 ? { channels, sampleRate } : undefined
}
