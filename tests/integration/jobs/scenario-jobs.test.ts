import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { makeWav } from '../../fakes/common'
import { audioSeconds } from '../../fakes/predictor'
import { startScenarioFake } from '../../fakes/scenario'
import { SCENARIO_SECRET, createTake, until, waitFor } from './helpers'
import { providerHarness } from './provider-harness'

const harness = providerHarness(startScenarioFake, (fake) => ({ scenario: fake.url }))
const setup = (opts: Parameters<typeof startScenarioFake>[0] = {}) => harness.setup(opts)

const GENERATE = (m: string, p: string): boolean =>
  m === 'POST' && p === '/v1/generate/custom/model_meta-musicgen'

/** A real file of `ext` (flac, aiff) made by ffmpeg from a WAV. */
function encoded(ext: string, seconds: number, channels: number): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'scenario-input-'))
  try {
    writeFileSync(join(dir, 'in.wav'), makeWav(seconds, channels, 44_100))
    const out = join(dir, `out.${ext}`)
    const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', join(dir, 'in.wav'), out])
    if (r.status !== 0) throw new Error(`ffmpeg failed: ${String(r.stderr)}`)
    return readFileSync(out)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('Scenario takes through the contract', () => {
  it.each(['flac', 'aiff'])(
    'converts %s input audio to WAV before uploading (Scenario takes MP3, WAV, OGG, M4A)',
    async (ext) => {
      const { fake, core, projectId } = await setup()
      const asset = await core.call('assets.import', {
        projectId,
        name: `riff.${ext}`,
        data: encoded(ext, 2, 2).toString('base64'),
      })
      const g = await createTake(core, projectId, 'scenario', {
        prompt: 'follow this',
        model_version: 'stereo-melody-large',
        input_audio: { assetId: asset.id },
      })
      const done = await waitFor(core, g.id)
      expect(done.status).toBe('succeeded')
      const upload = [...fake.state.uploads.values()][0]!
      expect(upload).toMatchObject({
        status: 'imported',
        contentType: 'audio/wav',
        fileName: 'riff.wav',
      })
      expect(upload.bytes!.toString('ascii', 0, 4)).toBe('RIFF')
      expect(upload.bytes!.readUInt16LE(22)).toBe(2)
      expect(audioSeconds(upload.bytes!)).toBeCloseTo(2, 2)
    },
  )

  it.each([
    [
      'continuation with a model that is not a melody model',
      { model_version: 'stereo-large', continuation: true, duration: 6 },
      /Scenario continues input audio only with melody models/,
    ],
    [
      'guidance in half steps (the model takes an integer)',
      { classifier_free_guidance: 3.5 },
      /Guidance must be a whole number/,
    ],
  ])('refuses before sending anything: %s', async (_name, extra, message) => {
    const { fake, core, projectId, assetId } = await setup()
    const refused = await core.dispatch('generations.create', {
      projectId,
      provider: 'scenario',
      params: { prompt: 'x', input_audio: { assetId }, ...extra },
    })
    expect(refused.ok).toBe(false)
    if (!refused.ok) expect(refused.error.message).toMatch(message)
    expect(fake.state.requests).toEqual([])
  })

  it('the fake bills and fails what the real model refuses (why the checks above matter)', async () => {
    const { fake } = await setup()
    const res = await fetch(`${fake.url}/v1/generate/custom/model_meta-musicgen`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`key_test:${SCENARIO_SECRET}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ prompt: 'x', classifierFreeGuidance: 3.5 }),
    })
    expect(res.status).toBe(200)
    fake.state.tick(10)
    expect([...fake.state.jobs.values()][0]!.status).toBe('failure')
    expect(fake.state.created).toBe(1)
  })

  it('makes a prompt-only take with its cost in creative units', async () => {
    const { fake, core, projectId } = await setup({ cuCost: 7 })
    const g = await createTake(core, projectId, 'scenario', { prompt: 'ambient pads', duration: 4 })
    const done = await waitFor(core, g.id)
    expect(done.status).toBe('succeeded')
    expect(done.cost).toEqual({ creativeUnits: 7 })
    const job = [...fake.state.jobs.values()][0]!
    expect(job.input.seed).toBe(g.seed)
    expect(done).toMatchObject({ seed: g.seed, providerJobId: job.jobId, progress: 1 })
    const mine = core.updates.filter((u) => u.id === g.id)
    expect(mine.some((u) => u.progress > 0 && u.progress < 1)).toBe(true)
    const asset = (await core.call('assets.list', { projectId })).find(
      (a) => a.id === done.outputAssetId,
    )
    expect(asset).toMatchObject({ channels: 2, origin: 'generation' })
    expect(fake.state.created).toBe(1)
  })

  it('makes a melody take: the input audio goes through the upload flow as an asset id', async () => {
    const { fake, core, projectId, assetId } = await setup()
    const g = await createTake(core, projectId, 'scenario', {
      prompt: 'follow this',
      model_version: 'melody-large',
      input_audio: { assetId },
    })
    const done = await waitFor(core, g.id)
    expect(done.status).toBe('succeeded')
    const upload = [...fake.state.uploads.values()][0]!
    expect(upload).toMatchObject({ status: 'imported', contentType: 'audio/wav' })
    expect([...fake.state.jobs.values()][0]!.input.inputAudio).toBe(upload.entityId)
  })

  it('makes a continuation take', async () => {
    const { fake, core, projectId, assetId } = await setup()
    const g = await createTake(core, projectId, 'scenario', {
      prompt: 'continue',
      input_audio: { assetId },
      continuation: true,
      continuation_end: 2,
      duration: 6,
    })
    expect((await waitFor(core, g.id)).status).toBe('succeeded')
    expect([...fake.state.jobs.values()][0]!.input).toMatchObject({
      continuation: true,
      continuationStart: 0,
      continuationEnd: 2,
    })
  })

  it('cancels locally and says the provider may still finish (custom jobs refuse cancel)', async () => {
    const { fake, core, projectId } = await setup({ advanceOnPoll: false })
    const g = await createTake(core, projectId, 'scenario', { prompt: 'cancel me' })
    await waitFor(core, g.id, ['running'])
    expect((await core.call('generations.cancel', { generationId: g.id })).status).toBe('canceled')
    await until(
      () => core.updates.some((u) => u.id === g.id && u.error !== null),
      'the cancel answer',
    )
    const canceled = await core.call('generations.get', { generationId: g.id })
    expect(canceled.status).toBe('canceled')
    expect(canceled.error?.code).toBe('canceled')
    expect(canceled.error?.message).toMatch(/may still finish/)
    expect(fake.state.requests.some((r) => r.endsWith('/action'))).toBe(true)
  })

  it.each([
    {
      name: 'auth (401)',
      fake: { apiSecret: `${SCENARIO_SECRET}-other` },
      code: 'auth',
      message: /Invalid API key or secret/,
    },
    {
      name: 'billing (402)',
      fake: { outOfCredits: true },
      code: 'billing',
      message: /needs 5 creative units.*Buy more/,
    },
    {
      name: 'provider_failed (status failure)',
      fake: {},
      fail: 'GPU exploded',
      code: 'provider_failed',
      message: /GPU exploded — Try again with a shorter duration/,
    },
    {
      name: 'provider_failed (status failed)',
      fake: { failureWord: 'failed' as const },
      fail: 'out of memory',
      code: 'provider_failed',
      message: /out of memory/,
    },
  ])('ends as $code with the provider message: $name', async (c) => {
    const { fake, core, projectId } = await setup(c.fake)
    if (c.fail !== undefined) fake.state.failNextJobWith = c.fail
    const g = await createTake(core, projectId, 'scenario', { prompt: 'errors' })
    const done = await waitFor(core, g.id)
    expect(done).toMatchObject({ status: 'failed', error: { code: c.code } })
    expect(done.error?.message).toMatch(c.message)
    expect(JSON.stringify(done)).not.toContain(SCENARIO_SECRET)
  })

  it('backs off with jitter on a 429 without Retry-After', async () => {
    const { fake, core, projectId } = await setup()
    fake.state.faults.add({ kind: 'status', status: 429 }, 2, GENERATE)
    const g = await createTake(core, projectId, 'scenario', { prompt: 'throttled' })
    expect((await waitFor(core, g.id)).status).toBe('succeeded')
    // Full jitter under 500 ms, then under 1000 ms (the injected random is fixed per core).
    const backoffs = core.sleeps.filter((ms) => ms < 1000)
    expect(backoffs.length).toBeGreaterThanOrEqual(2)
    expect(fake.state.created).toBe(1)
  })

  it('fetches a fresh signed URL and resumes a cut-off download', async () => {
    const { fake, core, projectId } = await setup()
    fake.state.downloads.cutNext = 1
    const g = await createTake(core, projectId, 'scenario', { prompt: 'cut' })
    expect((await waitFor(core, g.id)).status).toBe('succeeded')
    expect(fake.state.downloads.served).toBe(2)
    expect(fake.state.requests.filter((r) => r.startsWith('GET /v1/assets/'))).toHaveLength(2)
  })

  it('asks the user when a generate answer was lost (Scenario cannot be asked), pays again on retry', async () => {
    const { fake, core, projectId } = await setup()
    fake.state.faults.add({ kind: 'drop-after' }, 1, GENERATE)
    const g = await createTake(core, projectId, 'scenario', { prompt: 'lost answer' })
    const undecided = await waitFor(core, g.id)
    expect(undecided.status).toBe('needs_decision')
    expect(undecided.waitingReason).toMatch(/may have reached Scenario.*Retry.*billed twice/)
    expect(fake.state.created).toBe(1)
    await core.call('generations.retry', { generationId: g.id })
    expect((await waitFor(core, g.id)).status).toBe('succeeded')
    expect(fake.state.created).toBe(2)
  })
})
