import type { ChunkDecoder } from '../../chunk-decoder'
import { firstPacketOffset, OggChunkDecoder, type OggWasmDecoder } from './decode'

/**
 * Streaming Ogg Vorbis decoder over libvorbis (WASM). Rate and channels come from the Vorbis
 * identification header; the package trims the last page to its granule position, so the frame
 * count equals ffmpeg's.
 */
export async function createVorbisDecoder(): Promise<ChunkDecoder> {
  // Dynamic import: the package is ESM-only and the main process bundle is CommonJS.
  const { OggVorbisDecoder: Decoder } = await import('@wasm-audio-decoders/ogg-vorbis')
  const decoder = new Decoder()
  await decoder.ready
  const wasm: OggWasmDecoder = decoder
  return new OggChunkDecoder('Vorbis', wasm, readVorbisHeader)
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
