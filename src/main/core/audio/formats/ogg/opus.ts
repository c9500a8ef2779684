import type { ChunkDecoder } from '../../chunk-decoder'
import { firstPacketOffset, OggChunkDecoder } from './decode'
import { FfmpegOggDecoder } from './ffmpeg'

/** Opus always decodes at 48 kHz, whatever input rate its header records. */
const OPUS_RATE = 48000

/**
 * Streaming Ogg Opus decoder over FFmpeg's Opus decoder (WASM, ogg-ffmpeg.ts), output at 48 kHz.
 * The decoder drops the header's pre-skip samples at the start and the last page's granule
 * position trims the end, so the frame count equals ffmpeg's. Mono stays mono.
 */
export function createOpusDecoder(): Promise<ChunkDecoder> {
  return Promise.resolve(new OggChunkDecoder('Opus', new FfmpegOggDecoder('opus'), readOpusHeader))
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
