import { afterEach, describe, expect, it } from 'vitest'
import { type ReplicateFake, startReplicateFake } from '../../fakes/replicate'
import { tempDir } from '../../helpers/temp'
import { type JobsCore, projectWithAudio, startJobsCore, until, waitFor } from './helpers'

let fake: ReplicateFake | null = null
let core: JobsCore | null = null

afterEach(async () => {
  core?.close()
  core = null
  await fake?.close()
  fake = null
})

const RATE = 48000

async function setup() {
  // Results long enough to hold the context plus new material.
  fake = await startReplicateFake({ maxOutputSeconds: 30 })
  core = await startJobsCore(tempDir(), { replicate: fake.url })
  const { projectId, trackId, assetId } = await projectWithAudio(core, 12, 2)
  const clip = await core.call('clips.create', { trackId, assetId, start: 0 })
  return { fake, core, projectId, trackId, clip }
}

async function clipsOf(core: JobsCore, projectId: string) {
  const detail = await core.call('projects.get', { projectId })
  return detail.tracks.flatMap((t) => t.clips).sort((a, b) => a.start - b.start)
}

/** The project's clips once there are `n` of them (chains place results after the take ends). */
async function clipsWhen(core: JobsCore, projectId: string, n: number) {
  await until(async () => (await clipsOf(core, projectId)).length === n, `${n} clips`)
  return clipsOf(core, projectId)
}

describe('continuations', () => {
  it('sends exactly the clip’s last W seconds and places the result after it with a crossfade', async () => {
    const { fake, core, projectId, clip } = await setup()
    const [take] = await core.call('generations.continue', {
      clipId: clip.id,
      provider: 'replicate',
      contextSeconds: 5,
      params: { prompt: 'keep going', duration: 9, model_version: 'stereo-large' },
    })
    expect(take).toMatchObject({ parentClipId: clip.id, contextFrames: 5 * RATE, status: 'queued' })
    const done = await waitFor(core, take!.id)
    expect(done.status).toBe('succeeded')
    const sent = [...fake.state.predictions.values()][0]!
    expect(sent.input).toMatchObject({ continuation: true, duration: 9, continuation_start: 0 })
    expect(sent.input).not.toHaveProperty('continuation_end')
    // The input was the clip's tail, exactly 5 s of the 32 kHz source, as a WAV.
    const input = await core.call('assets.list', { projectId })
    const context = input.find((asset) => asset.id === done.inputAssetId)
    expect(context).toMatchObject({
      frames: 5 * 32000,
      sampleRate: 32000,
      channels: 2,
      origin: 'render',
    })

    const clips = await clipsWhen(core, projectId, 2)
    expect(clips).toHaveLength(2)
    const [parent, next] = clips
    const crossfade = Math.round(0.05 * RATE)
    expect(parent).toMatchObject({ id: clip.id, length: 12 * RATE, fadeOut: crossfade })
    expect(next).toMatchObject({
      assetId: done.outputAssetId,
      start: 12 * RATE - crossfade,
      offset: 5 * RATE - crossfade,
      length: 9 * RATE - (5 * RATE - crossfade),
      fadeIn: crossfade,
    })
  })

  it('puts a continuation whose span is taken on a lane below, seam aligned, as one undo step', async () => {
    const { core, projectId, trackId, clip } = await setup()
    // Something already sits right after the clip on its track.
    const blocker = await core.call('clips.create', {
      trackId,
      assetId: clip.assetId,
      start: 14 * RATE,
    })
    const [take] = await core.call('generations.continue', {
      clipId: clip.id,
      provider: 'replicate',
      contextSeconds: 5,
      params: { prompt: 'keep going', duration: 9, model_version: 'stereo-large' },
    })
    await waitFor(core, take!.id)
    const project = () => core.call('projects.get', { projectId })
    await until(async () => (await project()).tracks.length >= 2, 'a second lane')
    let detail = await project()
    const [home, lane] = detail.tracks
    expect(home!.clips.map((c) => c.id)).toEqual([clip.id, blocker.id])
    expect(lane).toMatchObject({ name: 'Track 1 (continuation)', position: 1 })
    const crossfade = Math.round(0.05 * RATE)
    // The same seam as on the parent's own track: only the lane differs.
    expect(lane!.clips).toEqual([
      expect.objectContaining({ start: 12 * RATE - crossfade, fadeIn: crossfade }),
    ])
    expect(await core.call('timeline.history', { projectId })).toEqual({
      undoLabel: 'Place continuation',
      redoLabel: null,
    })
    await core.call('timeline.undo', { projectId })
    detail = await core.call('projects.get', { projectId })
    expect(detail.tracks.map((t) => t.clips.length)).toEqual([2])
    expect(detail.tracks[0]!.clips[0]).toMatchObject({ id: clip.id, fadeOut: 0 })
  })

  it('extends a clip by a chain of segments, each continuing the previous', async () => {
    const { fake, core, projectId, clip } = await setup()
    fake.state.failNextPredictionWith = null
    const chain = await core.call('chains.extend', {
      clipId: clip.id,
      contextSeconds: 4,
      segments: [
        { prompt: 'intro', duration: 8, model_version: 'stereo-large' },
        { prompt: 'verse', duration: 10, model_version: 'stereo-large' },
        { prompt: 'drop', duration: 12, model_version: 'stereo-large' },
      ],
    })
    expect(chain.map((g) => g.status)).toEqual(['queued', 'waiting_parent', 'waiting_parent'])
    expect(chain[1]!.parentGenerationId).toBe(chain[0]!.id)
    expect(chain[2]!.parentGenerationId).toBe(chain[1]!.id)

    const last = await waitFor(core, chain[2]!.id, ['succeeded', 'failed'], 30_000)
    expect(last.status).toBe('succeeded')
    const prompts = [...fake.state.predictions.values()].map((p) => p.input.prompt)
    expect(prompts).toEqual(['intro', 'verse', 'drop'])
    const clips = await clipsWhen(core, projectId, 4)
    expect(clips).toHaveLength(4)
    // Each segment starts just before the end of the one it continues.
    for (let i = 1; i < clips.length; i++) {
      const before = clips[i - 1]!
      expect(clips[i]!.start).toBe(before.start + before.length - Math.round(0.05 * RATE))
    }
    // Segment 2 continued segment 1's clip, not the original.
    const verse = await core.call('generations.get', { generationId: chain[1]!.id })
    expect(verse.parentClipId).toBe(clips[1]!.id)
  })

  it('keeps later segments waiting with a reason when a segment fails, and resumes on retry', async () => {
    const { fake, core, clip } = await setup()
    fake.state.failNextPredictionWith = 'CUDA out of memory'
    const chain = await core.call('chains.extend', {
      clipId: clip.id,
      contextSeconds: 3,
      segments: [
        { prompt: 'a', duration: 6, model_version: 'stereo-large' },
        { prompt: 'b', duration: 6, model_version: 'stereo-large' },
      ],
    })
    const failed = await waitFor(core, chain[0]!.id)
    expect(failed.status).toBe('failed')
    const second = () => core.call('generations.get', { generationId: chain[1]!.id })
    await until(async () => (await second()).waitingReason !== null, 'a waiting reason')
    const waiting = await second()
    expect(waiting).toMatchObject({
      status: 'waiting_parent',
      waitingReason: expect.stringMatching(/failed/),
    })
    fake.state.failNextPredictionWith = null
    await core.call('generations.retry', { generationId: chain[0]!.id })
    const resumed = await waitFor(core, chain[1]!.id, ['succeeded', 'failed'], 30_000)
    expect(resumed.status).toBe('succeeded')
  })

  it('re-rolls a segment in place and lets the user pick it; the later segment follows', async () => {
    const { fake, core, projectId, clip } = await setup()
    const chain = await core.call('chains.extend', {
      clipId: clip.id,
      contextSeconds: 3,
      segments: [
        { prompt: 'a', duration: 6, model_version: 'stereo-large' },
        { prompt: 'b', duration: 6, model_version: 'stereo-large' },
      ],
    })
    await waitFor(core, chain[1]!.id)
    const waitClips = (n: number) => clipsWhen(core, projectId, n)
    const before = await waitClips(3)

    const [again] = await core.call('generations.reroll', { generationId: chain[0]!.id })
    expect(again).toMatchObject({ parentClipId: clip.id, inputAssetId: chain[0]!.inputAssetId })
    expect(again!.seed).not.toBe(chain[0]!.seed)
    const rerolled = await waitFor(core, again!.id)
    expect(rerolled.status).toBe('succeeded')
    // A second take of segment 1 does not pile onto the timeline by itself.
    expect(await waitClips(3)).toEqual(before)

    const created = fake.state.created
    const requeued = await core.call('chains.pick', { generationId: again!.id })
    expect(requeued).toHaveLength(1)
    expect(requeued[0]).toMatchObject({ status: 'waiting_parent', parentGenerationId: again!.id })
    const followed = await waitFor(core, requeued[0]!.id)
    expect(followed.status).toBe('succeeded')
    expect(fake.state.created).toBe(created + 1)
    const after = await waitClips(3)
    expect(after[1]!.assetId).toBe(rerolled.outputAssetId)
    expect(after[2]!.start).toBe(after[1]!.start + after[1]!.length - Math.round(0.05 * RATE))
    const follower = await core.call('generations.get', { generationId: requeued[0]!.id })
    expect(follower.parentClipId).toBe(after[1]!.id)
    // The pick (old takes out, new one in) was one step, and the follower's placement the next.
    expect(await core.call('timeline.history', { projectId })).toMatchObject({
      undoLabel: 'Place continuation',
    })
    await core.call('timeline.undo', { projectId })
    expect(await core.call('timeline.history', { projectId })).toMatchObject({
      undoLabel: 'Use this take',
    })
    await core.call('timeline.undo', { projectId })
    expect((await clipsOf(core, projectId)).map((c) => c.assetId)).toEqual(
      before.map((c) => c.assetId),
    )
  })

  it('refuses a context longer than the clip or not shorter than the duration, queuing nothing', async () => {
    const { fake, core, clip } = await setup()
    const tooLong = await core.dispatch('generations.continue', {
      clipId: clip.id,
      provider: 'replicate',
      contextSeconds: 13,
      params: { prompt: 'x', duration: 20 },
    })
    expect(tooLong).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'contextSeconds' },
    })
    const notShorter = await core.dispatch('chains.extend', {
      clipId: clip.id,
      contextSeconds: 10,
      segments: [
        { prompt: 'x', duration: 20 },
        { prompt: 'y', duration: 10 },
      ],
    })
    expect(notShorter).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'segments.1.duration' },
    })
    expect(fake.state.created).toBe(0)
  })
})
