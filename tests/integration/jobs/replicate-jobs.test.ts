import { describe, expect, it } from 'vitest'
import { type ReplicateFake, startReplicateFake } from '../../fakes/replicate'
import { tempDir } from '../../helpers/temp'
import { type JobsCoreOptions, createTake, projectWithAudio, until, waitFor } from './helpers'
import { providerHarness } from './provider-harness'

const harness = providerHarness(startReplicateFake, (fake) => ({ replicate: fake.url }))
const setup = (
  opts: Parameters<typeof startReplicateFake>[0] = {},
  coreOpts: JobsCoreOptions = {},
) => harness.setup(opts, coreOpts)

describe('Replicate takes through the contract', () => {
  it('makes a prompt-only take: seed sent and read back, progress, stereo audio stored', async () => {
    const { fake, core, projectId } = await setup()
    const track = await core.call('tracks.create', { projectId })
    const [queued] = await core.call('generations.create', {
      projectId,
      trackId: track.id,
      provider: 'replicate',
      params: { prompt: 'dusty lofi piano, vinyl crackle', duration: 4 },
    })
    expect(queued).toMatchObject({ status: 'queued', trackId: track.id, provider: 'replicate' })
    expect(queued!.seed).toBeGreaterThan(0)
    const done = await waitFor(core, queued!.id)
    expect(done.status).toBe('succeeded')
    expect(fake.state.created).toBe(1)
    const sent = [...fake.state.predictions.values()][0]!
    expect(sent.input.seed).toBe(queued!.seed)
    expect(done).toMatchObject({ seed: queued!.seed, progress: 1, providerJobId: sent.id })
    expect(done.params.seed).toBe(queued!.seed)
    expect(done.cost?.predictSeconds).toBeGreaterThan(0)
    expect(done.startedAt).not.toBeNull()
    expect(done.completedAt).not.toBeNull()
    // The provider's own clock, as its prediction reports it.
    const answer = await fetch(`${fake.url}/v1/predictions/${sent.id}`, {
      headers: { authorization: 'Bearer r8_test_token' },
    })
    const reported = (await answer.json()) as { started_at: string; completed_at: string }
    expect(done.providerTimings).toEqual({
      startedAt: reported.started_at,
      completedAt: reported.completed_at,
    })
    const assets = await core.call('assets.list', { projectId })
    const out = assets.find((a) => a.id === done.outputAssetId)
    expect(out).toMatchObject({ origin: 'generation', channels: 2, sampleRate: 32_000 })
    expect(out!.name).toBe(`dusty lofi piano vinyl crackle take ${queued!.seed}.wav`)
    expect(out!.frames).toBe(8000)
    const peaks = await core.call('assets.peaks', { assetId: out!.id, framesPerPeak: 256 })
    expect(peaks.channels).toBe(2)
    // Every change was an event, progress came from the token counter in the logs.
    const mine = core.updates.filter((g) => g.id === queued!.id)
    const statuses = mine.map((g) => g.status)
    expect(statuses).toEqual(expect.arrayContaining(['submitting', 'running', 'downloading']))
    expect(statuses.at(-1)).toBe('succeeded')
    expect(mine.some((g) => g.progress > 0 && g.progress < 1)).toBe(true)
  })

  it('makes a melody take with input audio (sent as a data URL, mono model → 1 channel)', async () => {
    const { fake, core, projectId, assetId } = await setup()
    const g = await createTake(core, projectId, 'replicate', {
      prompt: 'same tune on strings',
      model_version: 'melody-large',
      input_audio: { assetId },
      duration: 5,
    })
    expect(g.inputAssetId).toBe(assetId)
    expect(g.params.input_audio).toEqual({ assetId, seconds: 3 })
    const done = await waitFor(core, g.id)
    expect(done.status).toBe('succeeded')
    const input = [...fake.state.predictions.values()][0]!.input
    expect(String(input.input_audio)).toMatch(/^data:audio\/wav;base64,UklGR/)
    expect(input.continuation).toBe(false)
    const asset = (await core.call('assets.list', { projectId })).find(
      (a) => a.id === done.outputAssetId,
    )
    expect(asset?.channels).toBe(1)
  })

  it('makes a continuation take of an input slice', async () => {
    const { fake, core, projectId, assetId } = await setup()
    const g = await createTake(core, projectId, 'replicate', {
      prompt: 'keep going, add drums',
      model_version: 'stereo-large',
      input_audio: { assetId, seconds: 99 },
      continuation: true,
      continuation_start: 1,
      continuation_end: 3,
      duration: 6,
    })
    const done = await waitFor(core, g.id)
    expect(done.status).toBe('succeeded')
    expect(done.params.input_audio).toEqual({ assetId, seconds: 3 })
    const input = [...fake.state.predictions.values()][0]!.input
    expect(input).toMatchObject({ continuation: true, continuation_start: 1, continuation_end: 3 })
    expect(String(input.input_audio)).toMatch(/^data:audio\/wav;base64,/)
  })

  it('cancels a running take at the provider and locally', async () => {
    const { fake, core, projectId } = await setup({ advanceOnPoll: false })
    const g = await createTake(core, projectId, 'replicate', { prompt: 'cancel me' })
    await waitFor(core, g.id, ['running'])
    const canceled = await core.call('generations.cancel', { generationId: g.id })
    expect(canceled.status).toBe('canceled')
    const prediction = [...fake.state.predictions.values()][0]!
    await until(() => prediction.status === 'canceled', 'the provider cancel')
    fake.state.tick(10)
    expect((await core.call('generations.get', { generationId: g.id })).status).toBe('canceled')
    // Canceling again is a no-op; a canceled take can be retried and then succeeds.
    expect((await core.call('generations.cancel', { generationId: g.id })).status).toBe('canceled')
    const retried = await core.call('generations.retry', { generationId: g.id })
    expect(retried).toMatchObject({ status: 'queued', providerJobId: null, error: null })
    await waitFor(core, g.id, ['running'])
    fake.state.tick(10)
    const done = await waitFor(core, g.id)
    expect(done.status).toBe('succeeded')
    expect(done.seed).toBe(g.seed)
    expect(fake.state.created).toBe(2)
    // No late answer of the canceled run moved the take: from the cancel, its next state is the
    // retry's (the whole history is read once the retry ended, no time window to guess).
    const statuses = core.updates.filter((u) => u.id === g.id).map((u) => u.status)
    const cancel = statuses.indexOf('canceled')
    expect(statuses.slice(cancel, cancel + 2)).toEqual(['canceled', 'queued'])
    expect(statuses.lastIndexOf('canceled')).toBe(cancel)
  })

  it('retries a throttled create: honours Retry-After, else the "resets in ~Ns" hint', async () => {
    const { fake, core, projectId } = await setup()
    const create = (m: string, p: string): boolean => m === 'POST' && p === '/v1/predictions'
    fake.state.faults.add(
      { kind: 'status', status: 429, headers: { 'retry-after': '7' } },
      1,
      create,
    )
    const a = await createTake(core, projectId, 'replicate', { prompt: 'throttled with header' })
    expect((await waitFor(core, a.id)).status).toBe('succeeded')
    expect(core.sleeps).toContain(7000)
    fake.state.faults.add({ kind: 'status', status: 429 }, 1, create)
    const b = await createTake(core, projectId, 'replicate', { prompt: 'throttled without header' })
    expect((await waitFor(core, b.id)).status).toBe('succeeded')
    expect(core.sleeps).toContain(30_000)
    expect(fake.state.created).toBe(2)
  })

  it('puts a take back in the queue with a reason when throttling outlasts the retries', async () => {
    const { fake, core, projectId } = await setup()
    fake.state.faults.add({ kind: 'status', status: 429, headers: { 'retry-after': '600' } }, 1)
    const g = await createTake(core, projectId, 'replicate', { prompt: 'long throttle' })
    const queued = await until(
      () => core.updates.some((u) => u.id === g.id && u.waitingReason !== null),
      'the throttle reason',
    ).then(() => core.updates.filter((u) => u.id === g.id && u.waitingReason !== null)[0]!)
    expect(queued.status).toBe('queued')
    expect(queued.waitingReason).toMatch(/throttl.*600 s/)
    // The instant sleep lets the retry time pass at once.
    expect((await waitFor(core, g.id)).status).toBe('succeeded')
    expect(fake.state.created).toBe(1)
  })

  it('resumes a download cut off half-way', async () => {
    const { fake, core, projectId } = await setup()
    fake.state.downloads.cutNext = 1
    const g = await createTake(core, projectId, 'replicate', { prompt: 'cut off' })
    const done = await waitFor(core, g.id)
    expect(done.status).toBe('succeeded')
    expect(fake.state.downloads.served).toBe(2)
    const asset = (await core.call('assets.list', { projectId })).find(
      (a) => a.id === done.outputAssetId,
    )
    expect(asset?.frames).toBe(8000)
  })

  it('rides out a burst of 5xx while polling', async () => {
    const { fake, core, projectId } = await setup()
    fake.state.faults.add(
      { kind: 'status', status: 503 },
      3,
      (m, p) => m === 'GET' && p.startsWith('/v1/predictions/'),
    )
    const g = await createTake(core, projectId, 'replicate', { prompt: 'flaky' })
    expect((await waitFor(core, g.id)).status).toBe('succeeded')
  })

  it.each([
    {
      name: 'auth (401)',
      fake: { token: 'r8_other' },
      arrange: (_f: ReplicateFake): void => undefined,
      code: 'auth',
      message: /valid authentication token/,
    },
    {
      name: 'billing (402)',
      fake: { billingBlocked: true },
      arrange: (_f: ReplicateFake): void => undefined,
      code: 'billing',
      message: /insufficient credit/,
    },
    {
      name: 'invalid_input (422)',
      fake: {},
      arrange: (f: ReplicateFake): void =>
        f.state.faults.add(
          {
            kind: 'status',
            status: 422,
            body: { title: 'Input validation failed', detail: '- input.seed: bad', status: 422 },
          },
          1,
          (m, p) => m === 'POST' && p === '/v1/predictions',
        ),
      code: 'invalid_input',
      message: /input\.seed: bad/,
    },
    {
      name: 'provider_failed (predictor error)',
      fake: {},
      arrange: (f: ReplicateFake): void => {
        f.state.failNextPredictionWith = 'CUDA out of memory'
      },
      code: 'provider_failed',
      message: /CUDA out of memory/,
    },
    {
      name: 'output_expired (data removed)',
      fake: { dataTtlMs: 0 },
      arrange: (_f: ReplicateFake): void => undefined,
      code: 'output_expired',
      message: /deleted the output/,
    },
  ])('ends as $code with the provider message: $name', async (c) => {
    const { fake, core, projectId } = await setup(c.fake)
    c.arrange(fake)
    const g = await createTake(core, projectId, 'replicate', { prompt: 'errors' })
    const done = await waitFor(core, g.id)
    expect(done.status).toBe('failed')
    expect(done.error?.code).toBe(c.code)
    expect(done.error?.message).toMatch(c.message)
    expect(JSON.stringify(done)).not.toContain('r8_test_token')
  })

  it('waits for the network while offline, then finishes when it is back', async () => {
    let online = false
    const offlineFetch: typeof fetch = (input, init) =>
      online
        ? fetch(input, init)
        : Promise.reject(
            new TypeError('fetch failed', {
              cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
            }),
          )
    const { fake, core, projectId } = await setup({}, { fetch: offlineFetch })
    const changes: { reachable: boolean; waitingTakes: number }[] = []
    core.events.onAny((event, payload) => {
      if (event === 'providers.changed') {
        const status = payload as { provider: string; reachable: boolean; waitingTakes: number }
        if (status.provider === 'replicate') changes.push(status)
      }
    })
    const g = await createTake(core, projectId, 'replicate', { prompt: 'offline first' })
    const waiting = await waitFor(core, g.id, ['waiting_network'])
    // The UI hears of it when the take parks, not at its next poll, in agreement with the take.
    expect(changes[0]).toMatchObject({ reachable: false, waitingTakes: 1 })
    expect(waiting.waitingReason).toMatch(/Waiting for the network.*ECONNREFUSED/)
    // Another take of the same provider waits too, without trying to send.
    const h = await createTake(core, projectId, 'replicate', { prompt: 'offline second' })
    expect((await waitFor(core, h.id, ['waiting_network'])).waitingReason).toMatch(/network/)
    // Asked directly, main says the same as the takes (no fresh probe contradicting them).
    const statuses = await core.call('providers.status', {})
    expect(statuses.find((s) => s.provider === 'replicate')).toMatchObject({
      reachable: false,
      reason: expect.stringMatching(/ECONNREFUSED/),
      waitingTakes: 2,
    })
    // The rest of the app keeps working.
    await core.call('tracks.create', { projectId })
    expect(fake.state.created).toBe(0)
    online = true
    expect((await waitFor(core, g.id)).status).toBe('succeeded')
    expect((await waitFor(core, h.id)).status).toBe('succeeded')
    expect(fake.state.created).toBe(2)
    expect(changes[changes.length - 1]).toMatchObject({ reachable: true, waitingTakes: 0 })
  })

  it('makes takes: 3 with three different seeds, a fixed seed going to the first', async () => {
    const { fake, core, projectId } = await setup()
    const takes = await core.call('generations.create', {
      projectId,
      provider: 'replicate',
      params: { prompt: 'variations', seed: 1234 },
      takes: 3,
    })
    expect(takes).toHaveLength(3)
    const seeds = takes.map((t) => t.seed)
    expect(seeds[0]).toBe(1234)
    expect(new Set(seeds).size).toBe(3)
    for (const t of takes) expect((await waitFor(core, t.id)).status).toBe('succeeded')
    const sent = [...fake.state.predictions.values()].map((p) => p.input.seed).sort()
    expect(sent).toEqual([...seeds].sort())
    const listed = await core.call('generations.list', { projectId })
    expect(listed.map((t) => t.id)).toEqual(takes.map((t) => t.id))
  })

  it('a create held by Prefer: wait answers with the output while still processing', async () => {
    const { fake, core, projectId } = await setup({
      preferWaitSteps: 3,
      outputWhileProcessing: true,
    })
    const g = await createTake(core, projectId, 'replicate', {
      prompt: 'held',
      output_format: 'mp3',
    })
    const done = await waitFor(core, g.id)
    expect(done.status).toBe('succeeded')
    expect(fake.state.prefer).toEqual(['wait=5'])
    expect(fake.state.created).toBe(1)
    expect(fake.state.downloads.served).toBe(1)
    const asset = (await core.call('assets.list', { projectId })).find(
      (a) => a.id === done.outputAssetId,
    )
    expect(asset).toMatchObject({ format: 'mp3', channels: 2 })
  })

  it('resumes a running take after a restart of the core, without paying twice', async () => {
    const fake = await harness.fake({ advanceOnPoll: false })
    const dir = tempDir()
    const first = await harness.core(dir, fake)
    const { projectId } = await projectWithAudio(first)
    const g = await createTake(first, projectId, 'replicate', { prompt: 'restart me' })
    await waitFor(first, g.id, ['running'])
    first.close()
    fake.state.tick(10)
    const core = await harness.core(dir, fake)
    const done = await waitFor(core, g.id)
    expect(done.status).toBe('succeeded')
    expect(fake.state.created).toBe(1)
  })

  it('deletes a finished take and its unused audio, but not a take in flight', async () => {
    const { fake, core, projectId } = await setup({ advanceOnPoll: false })
    const g = await createTake(core, projectId, 'replicate', { prompt: 'delete me' })
    await waitFor(core, g.id, ['running'])
    const busy = await core.dispatch('generations.delete', { generationId: g.id })
    expect(busy).toMatchObject({ ok: false, error: { code: 'conflict' } })
    fake.state.tick(10)
    const done = await waitFor(core, g.id)
    const used = await createTake(core, projectId, 'replicate', {
      prompt: 'keep my audio',
      model_version: 'large',
    })
    await waitFor(core, used.id, ['running'])
    fake.state.tick(10)
    const kept = await waitFor(core, used.id)
    const track = await core.call('tracks.create', { projectId })
    await core.call('clips.create', { trackId: track.id, assetId: kept.outputAssetId!, start: 0 })

    expect(await core.call('generations.delete', { generationId: done.id })).toBeNull()
    expect(await core.dispatch('generations.get', { generationId: done.id })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    })
    await core.call('generations.delete', { generationId: kept.id })
    const ids = (await core.call('assets.list', { projectId })).map((a) => a.id)
    expect(ids).not.toContain(done.outputAssetId)
    expect(ids).toContain(kept.outputAssetId)
  })
})
