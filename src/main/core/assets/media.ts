import { randomBytes } from 'node:crypto'
import { open, rename, rm, stat } from 'node:fs/promises'
import type { AudioFormat } from '../../../shared/domain'
import { decodeAudioFile } from '../audio/decode'
import { encodeWavFrames, encodeWavHeader, type WavEncodeOptions } from '../audio/formats/wav'

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

/** The WAV copy of a stored file Chromium cannot play: beside it (store-sweep.ts removes both). */
export function mediaCopyPath(path: string): string {
  return `${path}.wav`
}

/** Conversions under way, by copy path: parallel requests for one asset share one. */
const converting = new Map<string, Promise<string>>()

/**
 * How the renderer gets an asset's audio: the stored file as is, or a WAV copy made once, on the
 * first request, by a streaming conversion (memory bounded whatever the length), then served as
 * a file like any other.
 */
export async function mediaFor(path: string, format: AudioFormat): Promise<MediaFile> {
  const contentType = CONTENT_TYPES[format]
  if (contentType) return { kind: 'file', path, contentType }
  const copy = mediaCopyPath(path)
  let pending = converting.get(copy)
  if (!pending) {
    pending = convertOnce(path, copy).finally(() => converting.delete(copy))
    converting.set(copy, pending)
  }
  return { kind: 'file', path: await pending, contentType: 'audio/wav' }
}

async function convertOnce(path: string, copy: string): Promise<string> {
  const existing = await stat(copy).catch(() => null)
  if (existing?.isFile()) return copy
  const temp = `${copy}.${randomBytes(4).toString('hex')}.part`
  const stream = decodeAudioFile(path)
  const file = await open(temp, 'wx')
  try {
    const info = await stream.info()
    const options: WavEncodeOptions = {
      sampleRate: info.sampleRate,
      channels: info.channels,
      frames: info.expectedFrames ?? 0,
      format: 'float32',
    }
    const header = encodeWavHeader(options)
    await file.write(header)
    let frames = 0
    for await (const chunk of stream.frames()) {
      await file.write(encodeWavFrames('float32', chunk))
      frames += chunk[0]?.length ?? 0
    }
    // The header again with the frames decoded (the same size: no tags).
    if (frames !== options.frames) await file.write(encodeWavHeader({ ...options, frames }), 0)
    await file.sync()
    await file.close()
    await rename(temp, copy)
    return copy
  } catch (error) {
    await file.close().catch(() => undefined)
    await stream.close().catch(() => undefined)
    await rm(temp, { force: true })
    throw error
  }
}
