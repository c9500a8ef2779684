import { basename } from 'node:path'
import type { AudioFormat } from '../../../shared/domain'
import { AppError } from '../app-error'
import { AudioError } from '../audio/audio-error'
import { decodeAudioBytes, decodeAudioFile, type AudioDecodeStream } from '../audio/decode'
import { PeaksBuilder, serializePeaks } from '../audio/peaks'
import type { ContentStore, StoredBlob } from './content-store'

export type ImportSource =
  { kind: 'bytes'; name: string; bytes: Uint8Array } | { kind: 'path'; path: string }

export interface DecodedImport {
  name: string
  format: AudioFormat
  sampleRate: number
  channels: number
  frames: number
  peaks: Uint8Array
  blob: StoredBlob
}

const EXTENSIONS: Record<AudioFormat, string> = {
  wav: 'wav',
  aiff: 'aiff',
  mp3: 'mp3',
  flac: 'flac',
  'ogg-vorbis': 'ogg',
  'ogg-opus': 'opus',
}

/**
 * Decodes a file in one streaming pass (validating it and computing its peaks), then stores the
 * original bytes by content. A file that does not decode stores nothing.
 */
export async function decodeAndStore(
  source: ImportSource,
  store: ContentStore,
): Promise<DecodedImport> {
  const name = source.kind === 'bytes' ? source.name : basename(source.path)
  const stream: AudioDecodeStream =
    source.kind === 'bytes' ? decodeAudioBytes(source.bytes) : decodeAudioFile(source.path)
  let info
  let frames = 0
  let peaks: PeaksBuilder | undefined
  try {
    info = await stream.info()
    if (info.format === 'm4a') throw new AudioError('unsupported', 'M4A/AAC is not supported')
    peaks = new PeaksBuilder(info.channels)
    for await (const chunk of stream.frames()) {
      peaks.push(chunk)
      frames += chunk[0]?.length ?? 0
    }
  } catch (error) {
    throw importError(name, error)
  }
  if (frames === 0) throw new AppError('invalid_input', `${name}: the file holds no audio`)
  const format = info.format
  const ext = EXTENSIONS[format]
  const blob =
    source.kind === 'bytes'
      ? await store.putBytes(source.bytes, ext)
      : await store.putFile(source.path, ext)
  return {
    name,
    format,
    sampleRate: info.sampleRate,
    channels: info.channels,
    frames,
    peaks: serializePeaks(peaks.finish()),
    blob,
  }
}

function importError(name: string, error: unknown): AppError {
  if (error instanceof AudioError) return new AppError('invalid_input', `${name}: ${error.message}`)
  const code = (error as NodeJS.ErrnoException | null)?.code
  if (code === 'ENOENT') return new AppError('not_found', `${name}: the file does not exist`)
  if (code === 'EACCES' || code === 'EPERM') {
    return new AppError('invalid_input', `${name}: permission denied`)
  }
  if (code === 'EISDIR') return new AppError('invalid_input', `${name}: is a folder, not a file`)
  return new AppError('invalid_input', `${name}: could not be read (${String(error)})`)
}
