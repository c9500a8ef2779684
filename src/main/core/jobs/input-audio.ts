// Input audio for a take (melody or continuation): the stored file of an asset, as the provider
// clients take it; converted to WAV first when the provider does not read its format.
import { readFile } from 'node:fs/promises'
import type { AudioFormat } from '../../../shared/domain'
import type { ContentStore } from '../assets/content-store'
import { decodeAudioFile } from '../audio/decode'
import { encodeWavFrames, encodeWavHeader, encodeWavTrailer } from '../audio/formats/wav'
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

/**
 * The asset's file as the provider takes it: as stored when `accepted` lists its format (or is
 * 'any'), otherwise decoded and written as 16-bit WAV (MusicGen reads 32 kHz audio; 16 bits lose
 * nothing it hears).
 */
export async function readInputAudio(
  asset: AssetRecord,
  store: ContentStore,
  accepted: readonly AudioFormat[] | 'any' = 'any',
): Promise<InputAudio> {
  const path = store.pathOf(asset.sha256, asset.ext)
  // The provider sees a plain file name, never a local path.
  const stem = asset.name.replace(/\.[^.]*$/, '').replace(/[^\w .-]+/g, '_') || 'input'
  if (accepted === 'any' || accepted.includes(asset.format)) {
    const bytes = await readFile(path)
    return {
      bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      mime: mimeOf(asset.format),
      filename: `${stem}.${asset.ext}`,
    }
  }
  return { bytes: await wavOf(path), mime: 'audio/wav', filename: `${stem}.wav` }
}

async function wavOf(path: string): Promise<Uint8Array> {
  const stream = decodeAudioFile(path)
  try {
    const info = await stream.info()
    const parts: Uint8Array[] = []
    let frames = 0
    for await (const planar of stream.frames()) {
      parts.push(encodeWavFrames('int16', planar))
      frames += planar[0]?.length ?? 0
    }
    const options = {
      sampleRate: info.sampleRate,
      channels: info.channels,
      frames,
      format: 'int16',
    } as const
    parts.unshift(encodeWavHeader(options))
    parts.push(encodeWavTrailer(options))
    return Buffer.concat(parts)
  } finally {
    await stream.close()
  }
}

/** The length of an asset in seconds, as the validation of the conditioning slice needs it. */
export function assetSeconds(asset: AssetRecord): number {
  return asset.frames / asset.sampleRate
}
