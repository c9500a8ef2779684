// Input audio for a take (melody or continuation): the stored file of an asset, as the provider
// clients take it; converted to WAV first when the provider does not read its format, or decoded
// to mono samples at the model's rate for an engine that decodes nothing itself.
import { readFile } from 'node:fs/promises'
import type { AudioFormat } from '../../../shared/domain'
import type { ContentStore } from '../assets/content-store'
import { decodeAudioFile } from '../audio/decode'
import { concatPcm, StreamResampler } from '../audio/dsp'
import { encodeWav, encodeWavFrames, encodeWavHeader, encodeWavTrailer } from '../audio/formats/wav'
import type { InputAudioForm } from '../providers/descriptor'
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
 * The asset's file as the provider takes it (`form`): as stored when it reads the format,
 * otherwise decoded and written as 16-bit WAV (MusicGen reads 32 kHz audio; 16 bits lose nothing
 * it hears); or decoded to mono float samples at one rate, as a float WAV.
 */
export async function readInputAudio(
  asset: AssetRecord,
  store: ContentStore,
  form: InputAudioForm = { files: 'any' },
): Promise<InputAudio> {
  const path = store.pathOf(asset.sha256, asset.ext)
  // The provider sees a plain file name, never a local path.
  const stem = asset.name.replace(/\.[^.]*$/, '').replace(/[^\w .-]+/g, '_') || 'input'
  if ('pcm' in form) {
    const samples = await monoAt(path, form.pcm.sampleRate)
    const bytes = encodeWav(
      { sampleRate: form.pcm.sampleRate, channels: [samples] },
      { format: 'float32' },
    )
    return { bytes, mime: 'audio/wav', filename: `${stem}.wav` }
  }
  const accepted = form.files
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

/**
 * The file decoded, downmixed to the mean of its channels and resampled to `rate` with our
 * band-limited resampler: what audiocraft's `convert_audio` makes of a prompt for a mono model.
 */
async function monoAt(path: string, rate: number): Promise<Float32Array> {
  const stream = decodeAudioFile(path)
  try {
    const info = await stream.info()
    const resampler = new StreamResampler(info.sampleRate, rate, 1)
    const chunks: Float32Array[][] = []
    for await (const planar of stream.frames()) chunks.push(resampler.process([mean(planar)]))
    chunks.push(resampler.flush())
    return concatPcm(rate, 1, chunks).channels[0]!
  } finally {
    await stream.close()
  }
}

function mean(planar: Float32Array[]): Float32Array {
  if (planar.length === 1) return planar[0]!
  const out = new Float32Array(planar[0]?.length ?? 0)
  for (let i = 0; i < out.length; i++) {
    let sum = 0
    for (const channel of planar) sum += channel[i]!
    out[i] = sum / planar.length
  }
  return out
}

/** The length of an asset in seconds, as the validation of the conditioning slice needs it. */
export function assetSeconds(asset: AssetRecord): number {
  return asset.frames / asset.sampleRate
}
