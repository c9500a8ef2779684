import type { AudioFormat } from '../../../shared/domain'
import { AudioError } from '../audio/audio-error'
import type { AudioDecodeStream } from '../audio/decode'
import { PeaksBuilder, serializePeaks } from '../audio/peaks'

/** What decoding a compressed file for an import gives: its format, length and peaks. */
export interface DecodedPeaks {
  format: AudioFormat
  sampleRate: number
  channels: number
  frames: number
  /** serializePeaks' layout. */
  peaks: Uint8Array
}

/** Decodes a compressed file to check it and compute its peaks (here or on a worker). */
export async function decodedPeaks(stream: AudioDecodeStream): Promise<DecodedPeaks> {
  const info = await stream.info()
  const peaks = new PeaksBuilder(info.channels)
  let frames = 0
  for await (const chunk of stream.frames()) {
    peaks.push(chunk)
    frames += chunk[0]?.length ?? 0
  }
  if (frames === 0) throw new AudioError('empty', 'the file holds no audio')
  const { format, sampleRate, channels } = info
  return { format, sampleRate, channels, frames, peaks: serializePeaks(peaks.finish()) }
}
