import { afterEach, describe, it, expect } from 'vitest'
import { ScenarioClient } from '../../../src/main/core/providers/scenario/client'
import { InvalidParamsError } from '../../../src/shared/musicgen'
import {
  type ScenarioFake,
  type ScenarioFakeOptions,
  startScenarioFake,
} from '../../fakes/scenario'
import { audioBytes, collect, errorOf, params, pollToEnd, recordingSleep, wavInfo } from './helpers'

let fake: ScenarioFake | null = null

afterEach(async () => {
  await fake?.close()
  fake = null
})

async function setup(
  opts: ScenarioFakeOptions = {},
  creds = { apiKey: 'key_test', apiSecret: 'secret_test' },
): Promise<{ fake: ScenarioFake; client: ScenarioClient; sleeps: number[] }> {
  await fake?.close()
  fake = await startScenarioFake(opts)
  const f = fake
  const { sleep, sleeps } = recordingSleep()
  const client = new ScenarioClient({
    baseUrl: f.url,
    getCredentials: () => Promise.resolve(creds),
    sleep,
    random: () => 0.5,
    now: () => f.state.clock.now,
    headersTimeoutMs: 2000,
    readTimeoutMs: 2000,
  })
  return { fake: f, client, sleeps }
}

describe('Scenario client against the fake', () => {
  it('makes a prompt-only take with progress and cost', async () => {
    const { fake, client } = await setup({ cuCost: 7 })
    const req = await client.prepare({ clientId: 'g', params: params({ seed: 99 }) })
    expect(req.body).toMatchObject({
      modelVersion: 'stereo-melody-large',
      classifierFreeGuidance: 3,
    })
    expect(req.body).not.toHaveProperty('topK')
    const sub = await client.submit(req)
    expect(sub.cost).toEqual({ creativeUnits: 7 })
    const seen: string[] = []
    const progress: (number | null)[] = []
    const end = await pollToEnd(client, sub.providerJobId, 20, (s) => {
      seen.push(s.providerStatus)
      progress.push(s.progress)
    })
    expect(seen).toEqual([
      'queued',
      'warming-up',
      'in-progress',
      'in-progress',
      'finalizing',
      'success',
    ])
    expect(progress.some((p) => p !== null && p > 0 && p < 1)).toBe(true)
    expect(end).toMatchObject({ status: 'succeeded', seedUsed: 99, cost: { creativeUnits: 7 } })
    const wav = await collect(client.download(end.outputRef!))
    expect(wavInfo(wav)).toMatchObject({ channels: 2, sampleRate: 32_000 })
    expect(fake.state.created).toBe(1)
  })

  it('uploads input audio and passes the asset id (melody and continuation takes)', async () => {
    const { fake, client } = await setup()
    for (const p of [
      params({ model_version: 'melody-large', input_audio: { assetId: 'a', seconds: 3 } }),
      params({ continuation: true, duration: 8, input_audio: { assetId: 'a', seconds: 3 } }),
    ]) {
      const req = await client.prepare({
        clientId: 'g',
        params: p,
        inputAudio: { bytes: audioBytes(5000), mime: 'audio/x-wav', filename: 'in.wav' },
      })
      const assetId = req.body.inputAudio as string
      expect(fake.state.assets.get(assetId)?.bytes.length).toBe(5000)
      const end = await pollToEnd(client, (await client.submit(req)).providerJobId)
      expect(end.status).toBe('succeeded')
    }
    expect([...fake.state.uploads.values()].map((u) => u.contentType)).toEqual([
      'audio/wav',
      'audio/wav',
    ])
    expect(fake.state.created).toBe(2)
  })

  it('reports a failed upload with its message', async () => {
    const { client } = await setup()
    const err = await errorOf(client.uploadAudio(audioBytes(10), 'audio/flac', 'x.flac'))
    expect(err.code).toBe('invalid_input')
    expect(err.message).toMatch(/Unsupported content type audio\/flac/)
  })

  it('previews the cost with a dry run that creates nothing', async () => {
    const { fake, client } = await setup({ cuCost: 3 })
    expect(await client.estimate(params())).toEqual({ creativeUnits: 3 })
    expect(fake.state.dryRuns).toBe(1)
    expect(fake.state.created).toBe(0)
  })

  it('cancels as best effort', async () => {
    const { client } = await setup()
    const sub = await client.submit(await client.prepare({ clientId: 'g', params: params() }))
    const c = await client.cancel(sub.providerJobId)
    expect(c.confirmed).toBe(false)
    expect(c.message).toMatch(/only available for inference jobs.*may still finish/)
    const { client: c2 } = await setup({ cancelSupported: true })
    const sub2 = await c2.submit(await c2.prepare({ clientId: 'g', params: params() }))
    expect((await c2.cancel(sub2.providerJobId)).confirmed).toBe(true)
    expect((await c2.poll(sub2.providerJobId)).status).toBe('canceled')
  })

  it('turns each error class into its code and message', async () => {
    const { client: bad } = await setup({}, { apiKey: 'key_test', apiSecret: 'nope-secret' })
    const auth = await errorOf(bad.submit(await bad.prepare({ clientId: 'g', params: params() })))
    expect([auth.code, auth.message]).toEqual(['auth', 'Invalid API key or secret'])

    const { client: poor } = await setup({ outOfCredits: true })
    const billing = await errorOf(
      poor.submit(await poor.prepare({ clientId: 'g', params: params() })),
    )
    expect(billing.code).toBe('billing')
    expect(billing.message).toBe(
      'This generation needs 5 creative units — Buy more creative units in the team settings',
    )

    const { fake: f, client } = await setup({ failureWord: 'failed' })
    const req = await client.prepare({ clientId: 'g', params: params() })
    req.body.topK = 50
    const invalid = await errorOf(client.submit(req))
    expect(invalid.code).toBe('invalid_input')
    expect(invalid.message).toMatch(/"topK" is not allowed/)
    expect(f.state.created).toBe(0)

    // Refused locally before anything is sent.
    await expect(client.prepare({ clientId: 'g', params: params({ top_k: 10 }) })).rejects.toThrow(
      InvalidParamsError,
    )

    f.state.failNextJobWith = 'GPU worker crashed'
    const sub = await client.submit(await client.prepare({ clientId: 'g', params: params() }))
    const failed = await pollToEnd(client, sub.providerJobId)
    expect(failed.status).toBe('failed')
    expect(failed.error?.message).toBe('GPU worker crashed — Try again with a shorter duration')

    const gone = await errorOf(
      collect(client.download({ kind: 'scenario-asset', assetId: 'asset_x' })),
    )
    expect(gone.code).toBe('output_expired')
  })

  it('handles 429 with and without Retry-After', async () => {
    const { fake, client, sleeps } = await setup()
    fake.state.faults.add({ kind: 'status', status: 429 }, 1)
    fake.state.faults.add({ kind: 'status', status: 429, headers: { 'retry-after': '2' } }, 1)
    await client.submit(await client.prepare({ clientId: 'g', params: params() }))
    expect(sleeps).toEqual([250, 2000])
    expect(fake.state.created).toBe(1)
  })

  it('fetches a fresh signed URL, after an old one expired, and resumes a cut download', async () => {
    const { fake, client } = await setup({ signedUrlTtlMs: 1000, maxOutputSeconds: 1 })
    const end = await pollToEnd(
      client,
      (await client.submit(await client.prepare({ clientId: 'g', params: params() })))
        .providerJobId,
    )
    const ref = end.outputRef!
    const old = await fetch(
      `${fake.url}/v1/assets/${ref.kind === 'scenario-asset' ? ref.assetId : ''}`,
      {
        headers: {
          authorization: `Basic ${Buffer.from('key_test:secret_test').toString('base64')}`,
        },
      },
    )
    const oldUrl = ((await old.json()) as { asset: { url: string } }).asset.url
    fake.state.clock.advance(5000)
    expect((await fetch(oldUrl)).status).toBe(403)
    fake.state.downloads.cutNext = 1
    const wav = await collect(client.download(ref))
    expect(wav.length).toBe(44 + 32_000 * 4)
    expect(fake.state.requests.filter((r) => r.startsWith('GET /v1/assets/')).length).toBe(3)
  })

  it('treats a lost generate answer as outcome unknown; reconcile cannot tell', async () => {
    const { fake, client } = await setup()
    fake.state.faults.add(
      { kind: 'drop-after' },
      1,
      (m, p) => m === 'POST' && p.includes('musicgen'),
    )
    const req = await client.prepare({ clientId: 'g', params: params() })
    const err = await errorOf(client.submit(req))
    expect(err.code).toBe('outcome_unknown')
    expect((await client.reconcile()).kind).toBe('unknown')
    expect(fake.state.created).toBe(1)
  })
})
