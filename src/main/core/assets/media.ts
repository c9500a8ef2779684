import type { AudioFormat } from '../../../shared/domain'
import { decodeAudioFile } from '../audio/decode'
import { concatPcm } from '../audio/pcm'
import { encodeWav } from '../audio/wav-encode'

export type MediaFile =
  | { kind: 'file'; path: string; contentType: string }
  | { kind: 'bytes'; bytes: Uint8Array; contentType: string }

const CONTENT_TYPES: Record<AudioFormat, string | null> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  'ogg-vorbis': 'audio/ogg',
  'ogg-opus': 'audio/ogg',
  aiff: null, // Chromium cannot play AIFF: served as WAV
  // Served decoded, so playback has the decoder's gapless trimming (and ALAC plays at all).
  m4a: null,
  aac: null,
}

/** How the renderer gets an asset's audio: the stored file as is, or transcoded to WAV. */
export async function mediaFor(path: string, format: AudioFormat): Promise<MediaFile> {
  const contentType = CONTENT_TYPES[format]
  if (contentType) return { kind: 'file', path, contentType }
  const stream = decodeAudioFile(path)
  const info = await stream.info()
  const chunks: Float32Array[][] = []
  for await (const chunk of stream.frames()) chunks.push(chunk)
  const audio = concatPcm(info.sampleRate, info.channels, chunks)
  return { kind: 'bytes', bytes: encodeWav(audio, { format: 'float32' }), contentType: 'audio/wav' }
}
