import { describe, expect, it } from 'vitest'
import { ContentStore } from '../../../src/main/core/assets/content-store'
import { resample } from '../../../src/main/core/audio/dsp'
import { decodeWav, encodeWav } from '../../../src/main/core/audio/formats/wav'
import { readInputAudio } from '../../../src/main/core/jobs/input-audio'
import type { AssetRecord } from '../../../src/main/core/store/assets'
import { sine } from '../../helpers/audio'
import { tempDir } from '../../helpers/temp'

async function stored(channels: Float32Array[], sampleRate: number) {
  const store = new ContentStore(tempDir())
  const bytes = encodeWav({ sampleRate, channels }, { format: 'float32' })
  const blob = await store.putBytes(bytes, 'wav')
  const asset: AssetRecord = {
    id: 'a1',
    projectId: 'p1',
    name: 'riff (last 2 s).wav',
    format: 'wav',
    sampleRate,
    channels: channels.length,
    frames: channels[0]!.length,
    byteSize: blob.size,
    origin: 'render',
    createdAt: 0,
    sha256: blob.sha256,
    ext: blob.ext,
  }
  return { store, asset, bytes }
}

describe('input audio in the form the provider takes', () => {
  it('gives the stored file as it is to a provider that reads it', async () => {
    const { store, asset, bytes } = await stored([sine(48_000, 440, 4800)], 48_000)
    const input = await readInputAudio(asset, store, { files: 'any' })
    expect(input).toMatchObject({ mime: 'audio/wav', filename: 'riff _last 2 s_.wav' })
    expect(Buffer.from(input.bytes).equals(Buffer.from(bytes))).toBe(true)
  })

  it('decodes, downmixes (channel mean) and resamples to the rate an engine asks', async () => {
    const left = sine(48_000, 440, 96_000, 0.8)
    const right = sine(48_000, 1000, 96_000, 0.4)
    const { store, asset } = await stored([left, right], 48_000)
    const input = await readInputAudio(asset, store, { pcm: { sampleRate: 32_000, channels: 1 } })
    const { audio } = decodeWav(input.bytes)
    expect(audio.sampleRate).toBe(32_000)
    expect(audio.channels).toHaveLength(1)
    // What the project's resampler makes of the mean of the channels, sample for sample.
    const mean = left.map((v, i) => (v + right[i]!) / 2)
    const expected = resample({ sampleRate: 48_000, channels: [mean] }, 32_000).channels[0]!
    expect(audio.channels[0]).toHaveLength(64_000)
    let worst = 0
    for (let i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(audio.channels[0]![i]! - expected[i]!))
    }
    expect(worst).toBeLessThan(1e-6)
  })
})
