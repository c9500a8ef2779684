// What a decode announces before its frames, apart from decode.ts so that the decoders it calls
// (segmented-decode.ts) can announce it without importing it.
import type { SniffedFormat } from './sniff'

/** What a decode stream yields: the format found in the bytes, the output rate and channels. */
export interface DecodedInfo {
  format: SniffedFormat
  sampleRate: number
  channels: number
  /** Frames per channel the headers announce (WAV/AIFF size, FLAC STREAMINFO, MP3 LAME tag). */
  expectedFrames?: number
}
