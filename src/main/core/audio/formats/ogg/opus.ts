import type { ChunkDecoder } from '../../chunk-decoder'
import { firstPacketOffset, OggChunkDecoder, type OggWasmDecoder } from './decode'

/** Opus always decodes at 48 kHz, whatever input rate its header records. */
const OPUS_RATE = 48000

/**
 * Streaming Ogg Opus decoder over libopus (WASM), output at 48 kHz. The package drops the
 * header's pre-skip samples at the start and trims the last page to its granule position, so the
 * frame count equals ffmpeg's. Mono stays mono (forceStereo off).
 */
export async function createOpusDecoder(): Promise<ChunkDecoder> {
  // Dynamic import: the package is ESM-only and the main process bundle is CommonJS.
  const { OggOpusDecoder: Decoder } = await import('ogg-opus-decoder')
  const decoder = new Decoder({ forceStereo: false })
  await decoder.ready
  // The package's types call decode synchronous; it returns a promise (OggWasmDecoder allows both).
  const wasm: OggWasmDecoder = decoder
  return new OggChunkDecoder('Opus', wasm, readOpusHeader)
}

/** 'OpusHead', version (u8), channels (u8), pre-skip (u16), input rate (u32). */
export function readOpusHeader(
  page: Uint8Array,
): { channels: number; sampleRate: number } | undefined {
  const p = firstPacketOffset(page)
  if (p < 0 || p + 10 > page.length) return undefined
  const channels = page[p + 9]!
  return channels > 0 ? { channels, sampleRate: OPUS_RATE } : undefined
}
