// Input audio for a take (melody or continuation): the stored file of an asset, as the provider
// clients take it.
import { readFile } from 'node:fs/promises'
import type { AudioFormat } from '../../../shared/domain'
import type { ContentStore } from '../assets/content-store'
import type { InputAudio } from '../providers/provider'
import type { AssetRecord } from '../store/assets'

const MIME: Readonly<Record<AudioFormat, string>> = {
  wav: 'audio/wav',
  aiff: 'audio/aiff',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  'ogg-vorbis': 'audio/ogg',
  'ogg-opus': 'audio/ogg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
}

export function mimeOf(format: AudioFormat): string {
  return MIME[format]
}

export async function readInputAudio(asset: AssetRecord, store: ContentStore): Promise<InputAudio> {
  const bytes = await readFile(store.pathOf(asset.sha256, asset.ext))
  // The provider sees a plain file name with the stored extension, never a local path.
  const stem = asset.name.replace(/\.[^.]*$/, '').replace(/[^\w .-]+/g, '_') || 'input'
  return {
    bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    mime: mimeOf(asset.format),
    filename: `${stem}.${asset.ext}`,
  }
}

/** The length of an asset in seconds, as the validation of the conditioning slice needs it. */
export function assetSeconds(asset: AssetRecord): number {
  return asset.frames / asset.sampleRate
}
