import { createHash } from 'node:crypto'
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { realSleep } from '../../../../src/main/core/providers/http'
import type { Generation } from '../../../../src/shared/domain'
import { encodeWav } from '../../../../src/main/core/audio/formats/wav'
import { rng } from '../../../helpers/audio'
import { TINY_MODEL, localEngineScript } from '../../../helpers/local-engine-script'
import { tempDir } from '../../../helpers/temp'
import { type JobsCore, createTake, startJobsCore, until, waitFor } from '../../jobs/helpers'

let core: JobsCore | null = null

afterEach(() => {
  core?.close()
  core = null
})

/** The project's rate: continuations are placed in its samples. */
const RATE = 48_000
const PARAMS = { prompt: 'keep the groove going', model_version: 'small', duration: 4, seed: 77 }

/**
 * Full-scale noise (the same in every channel): the tiny model's random EnCodec gives one code to
 * any quiet sound, so only loud, varied audio makes the continued codes differ between clips.
 */
function noiseWav(seed: number, seconds: number, channels: number, sampleRate: number): Buffer {
  const random = rng(seed)
  const samples = Float32Array.from({ length: seconds * sampleRate }, () =>
    random() < 0.5 ? -1 : 1,
  )
  const wav = encodeWav(
    { sampleRate, channels: Array.from({ length: channels }, () => samples) },
    { format: 'int16' },
  )
  return Buffer.from(wav)
}

/** A core with the tiny random-weight model installed, a track and two different clips on it. */
async function setup() {
  const dir = tempDir()
  const model = join(dir, 'models', 'musicgen-small')
  cpSync(TINY_MODEL, model, { recursive: true })
  core = await startJobsCore(dir, {
    keys: false,
    sleep: realSleep,
    clock: Date.now,
    localEngineScript: localEngineScript(),
  })
  const c = core
  const project = await c.call('projects.create', { name: 'Local continuation' })
  const track = await c.call('tracks.create', { projectId: project.id })
  // 48 kHz stereo and 44.1 kHz mono: the queue downmixes and resamples both to 32 kHz mono.
  const importClip = async (name: string, wav: Buffer, start: number) => {
    const asset = await c.call('assets.import', {
      projectId: project.id,
      name,
      data: wav.toString('base64'),
    })
    return c.call('clips.create', { trackId: track.id, assetId: asset.id, start })
  }
  const riff = await importClip('riff.wav', noiseWav(1, 3, 2, 48_000), 0)
  const pad = await importClip('pad.wav', noiseWav(2, 3, 1, 44_100), 60 * RATE)
  return { core: c, model, projectId: project.id, riff, pad }
}

async function continueClip(c: JobsCore, clipId: string, params: Record<string, unknown>) {
  const [take] = await c.call('generations.continue', {
    clipId,
    provider: 'local',
    contextSeconds: 2,
    params,
  })
  return waitFor(c, take!.id, undefined, 60_000)
}

async function audioHash(c: JobsCore, g: Generation): Promise<string> {
  const media = await c.media(g.outputAssetId ?? '')
  if (media?.kind !== 'file') throw new Error('no stored audio')
  return createHash('sha256').update(readFileSync(media.path)).digest('hex')
}

describe('continuing a clip on this computer (tiny random-weight model)', () => {
  it('continues the clip’s last seconds and lands the take after it, seam crossfaded', async () => {
    const { core, projectId, riff } = await setup()
    const done = await continueClip(core, riff.id, PARAMS)
    expect(done).toMatchObject({ status: 'succeeded', provider: 'local', parentClipId: riff.id })
    const assets = await core.call('assets.list', { projectId })
    // The context the model heard: exactly the clip's last 2 s, as cut for every provider.
    expect(assets.find((a) => a.id === done.inputAssetId)).toMatchObject({
      sampleRate: 48_000,
      channels: 2,
      frames: 2 * 48_000,
      origin: 'render',
    })
    // The take is the duration asked, the continued 2 s included (audiocraft's semantics).
    expect(assets.find((a) => a.id === done.outputAssetId)).toMatchObject({
      sampleRate: 32_000,
      channels: 1,
      frames: 4 * 32_000,
    })
    const clips = async () =>
      (await core.call('projects.get', { projectId })).tracks.flatMap((t) => t.clips)
    await until(
      async () => (await clips()).some((c) => c.assetId === done.outputAssetId),
      'the continuation on the timeline',
    )
    const placed = (await clips()).find((c) => c.assetId === done.outputAssetId)!
    const parent = (await clips()).find((c) => c.id === riff.id)!
    const crossfade = Math.round(0.05 * RATE)
    // Its copy of the context lies over the clip's tail (within the seam search's 50 ms).
    expect(parent).toMatchObject({ length: 3 * RATE, fadeOut: crossfade })
    expect(Math.abs(placed.start - (3 * RATE - crossfade))).toBeLessThanOrEqual(0.05 * RATE)
    expect(placed.fadeIn).toBe(crossfade)
    expect(placed.start + placed.length).toBeGreaterThan(3 * RATE + RATE)
  })

  it('same seed and audio give the same take; other audio gives another', async () => {
    const { core, riff, pad } = await setup()
    const a = await continueClip(core, riff.id, PARAMS)
    const b = await continueClip(core, riff.id, PARAMS)
    const other = await continueClip(core, pad.id, PARAMS)
    expect([a.status, b.status, other.status]).toEqual(['succeeded', 'succeeded', 'succeeded'])
    expect(b.seed).toBe(a.seed)
    expect(await audioHash(core, b)).toBe(await audioHash(core, a))
    expect(other.seed).toBe(a.seed)
    expect(await audioHash(core, other)).not.toBe(await audioHash(core, a))
  })

  it('continues the slice of input audio the take names, as predict.py slices it', async () => {
    const { core, projectId, riff } = await setup()
    // The clip's whole 3 s file as input audio: only the slice is continued, or the take (3 s)
    // would have no room after it.
    const sliced = (start: number) =>
      createTake(core, projectId, 'local', {
        ...PARAMS,
        duration: 3,
        input_audio: { assetId: riff.assetId },
        continuation: true,
        continuation_start: start,
        continuation_end: start + 1,
      }).then((g) => waitFor(core, g.id, undefined, 60_000))
    const first = await sliced(0)
    const second = await sliced(1)
    expect([first.status, second.status]).toEqual(['succeeded', 'succeeded'])
    const assets = await core.call('assets.list', { projectId })
    expect(assets.find((a) => a.id === first.outputAssetId)).toMatchObject({
      frames: 3 * 32_000,
    })
    expect(await audioHash(core, second)).not.toBe(await audioHash(core, first))
  })

  it('refuses, before queuing, a take that leaves no room after the continued audio', async () => {
    const { core, riff } = await setup()
    const asking = (duration: number) =>
      core.call('generations.continue', {
        clipId: riff.id,
        provider: 'local',
        contextSeconds: 2,
        params: { ...PARAMS, duration },
      })
    await expect(asking(2)).rejects.toThrow(
      /Duration \(2 s\) must be longer than the audio it continues \(2 s\)/,
    )
    await expect(asking(31)).rejects.toThrow(/Duration must be a whole number from 1 to 30 seconds/)
  })

  it('says what to do when the installed model has no EnCodec encoder', async () => {
    const { core, model, riff } = await setup()
    // A hub that serves the model without its encoder: not in the manifest, not installed.
    const encoder = 'onnx/encodec_encode.onnx'
    const manifest = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8')) as {
      files: { path: string }[]
    }
    manifest.files = manifest.files.filter((f) => f.path !== encoder)
    writeFileSync(join(model, 'manifest.json'), JSON.stringify(manifest))
    rmSync(join(model, encoder))
    expect((await core.call('localModel.status', {})).status).toMatchObject({
      state: 'installed',
      continues: false,
    })
    const done = await continueClip(core, riff.id, PARAMS)
    expect(done.status).toBe('failed')
    expect(done.error?.message).toMatch(
      /cannot continue a clip: it was installed without its EnCodec encoder\. Delete it in Settings and download it again/,
    )
  })
})
