// A project that exercises every path of the stems export, and its source files.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Clip, ProjectDetail } from '../../../src/shared/domain'
import { decodeAudioFile } from '../../../src/main/core/audio/decode'
import { encodeFlac } from '../../../src/main/core/audio/formats/flac/encode'
import type { PcmAudio } from '../../../src/main/core/audio/dsp/pcm'
import { encodeWav, type WavSampleFormat } from '../../../src/main/core/audio/formats/wav/encode'
import type { AssetRecord } from '../../../src/main/core/store/assets'
import { rng, sine } from '../../helpers/audio'

/** A tone with noise, different per channel, near full scale (so clipping and rounding show). */
function signal(rate: number, seconds: number, channels: number, seed: number): PcmAudio {
  const frames = Math.round(rate * seconds)
  const random = rng(seed)
  return {
    sampleRate: rate,
    channels: Array.from({ length: channels }, (_, c) => {
      const tone = sine(rate, 110 * (seed + c + 1), frames, 0.7)
      return tone.map((v) => v + 0.35 * (random() - 0.5))
    }),
  }
}

interface SourceFile {
  id: string
  format: 'wav' | 'flac'
  audio: PcmAudio
  bytes: Uint8Array
}

function wavSource(id: string, audio: PcmAudio, format: WavSampleFormat): SourceFile {
  return { id, format: 'wav', audio, bytes: encodeWav(audio, { format }) }
}

const flacAudio = signal(48000, 2, 2, 5)

const sources: SourceFile[] = [
  wavSource('a24', signal(48000, 8, 2, 1), 'int24'),
  wavSource('b16', signal(48000, 6, 2, 2), 'int16'),
  wavSource('c16-mono', signal(48000, 3, 1, 3), 'int16'),
  wavSource('d44-float', signal(44100, 9, 2, 4), 'float32'),
  {
    id: 'e-flac',
    format: 'flac',
    audio: flacAudio,
    bytes: encodeFlac(flacAudio.channels, 48000, 24),
  },
]

/** Writes the source files into `dir`; returns them as the assets of the project. */
export function writeSources(dir: string): Map<string, AssetRecord & { path: string }> {
  return new Map(
    sources.map((source) => {
      const path = join(dir, `${source.id}.${source.format}`)
      writeFileSync(path, source.bytes)
      const record: AssetRecord & { path: string } = {
        id: source.id,
        projectId: 'p',
        name: `${source.id}.${source.format}`,
        format: source.format,
        sampleRate: source.audio.sampleRate,
        channels: source.audio.channels.length,
        frames: source.audio.channels[0]!.length,
        byteSize: source.bytes.length,
        origin: 'import',
        createdAt: 0,
        sha256: source.id,
        ext: source.format,
        path,
      }
      return [source.id, record]
    }),
  )
}

/** What each source file decodes to: the samples the reference renders from. */
export async function decodedSources(
  assets: ReadonlyMap<string, AssetRecord & { path: string }>,
): Promise<Map<string, PcmAudio>> {
  const decoded = new Map<string, PcmAudio>()
  for (const [id, asset] of assets) {
    const stream = decodeAudioFile(asset.path)
    const info = await stream.info()
    const parts: Float32Array[][] = []
    for await (const chunk of stream.frames()) parts.push(chunk)
    const channels = Array.from({ length: info.channels }, (_, c) => {
      const joined = new Float32Array(parts.reduce((n, p) => n + p[c]!.length, 0))
      let at = 0
      for (const part of parts) {
        joined.set(part[c]!, at)
        at += part[c]!.length
      }
      return joined
    })
    decoded.set(id, { sampleRate: info.sampleRate, channels })
  }
  return decoded
}

let clipId = 0
function clip(assetId: string, fields: Partial<Clip> & { start: number; length: number }): Clip {
  return {
    id: `c${++clipId}`,
    trackId: 't',
    assetId,
    offset: 0,
    gainDb: 0,
    fadeIn: 0,
    fadeOut: 0,
    ...fields,
  }
}

/**
 * Offsets, fades, clip and track gains, overlapping clips (two of them reading the same file),
 * a mono source, a 44.1 kHz float source, a FLAC source, a clip running past its source's end, a
 * muted track, an empty track; `solo` solos tracks 2 and 3.
 */
export function mixedProject(solo: boolean): ProjectDetail {
  const track = (position: number, name: string, fields: object, clips: Clip[]) => ({
    id: `t${position}`,
    projectId: 'p',
    name,
    position,
    gainDb: 0,
    mute: false,
    solo: false,
    ...fields,
    clips,
  })
  return {
    id: 'p',
    name: 'Equality',
    sampleRate: 48000,
    tempoBpm: null,
    timeSignature: null,
    masterGainDb: 0,
    createdAt: 0,
    updatedAt: 0,
    tracks: [
      track(0, 'Drums', { gainDb: 1.5 }, [
        clip('a24', { start: 1001, offset: 333, length: 300001, gainDb: -3, fadeIn: 4801 }),
        clip('a24', { start: 150000, offset: 77, length: 200000, gainDb: 2, fadeOut: 12345 }),
      ]),
      track(1, 'Bass', { gainDb: -6, solo }, [
        clip('b16', { start: 0, offset: 0, length: 288000, fadeOut: 999 }),
        clip('c16-mono', { start: 250001, offset: 10, length: 100000, fadeIn: 3, fadeOut: 5000 }),
      ]),
      track(2, 'Pad', { solo }, [
        clip('d44-float', { start: 30000, offset: 1001, length: 400000, fadeIn: 20000 }),
        clip('e-flac', { start: 520000, offset: 4000, length: 120000, gainDb: 6 }),
      ]),
      track(3, 'Muted', { mute: true }, [clip('a24', { start: 0, length: 700000 })]),
      track(4, 'Empty', {}, []),
    ],
  }
}
