import { afterEach, describe, it, expect } from 'vitest'
import { REPLICATE_VERSION, ReplicateClient } from '../../../src/main/core/providers/replicate/client'
import { OutcomeUnknownError } from '../../../src/main/core/providers/provider-error'
import { type ReplicateFake, startReplicateFake } from '../../fakes/replicate'
import { audioBytes, collect, errorOf, params, pollToEnd, recordingSleep, wavInfo } from './helpers'

const TOKEN = 'r8_test_token'
let fake: ReplicateFake | null = null

afterEach(async () => {
  await fake?.close()
  fake = null
})

async function setup(
  opts: Parameters<typeof startReplicateFake>[0] = {},
  token: string | null = TOKEN,
): Promise<{ fake: ReplicateFake; client: ReplicateClient; sleeps: number[] }> {
  fake = await startReplicateFake({ token: TOKEN, ...opts })
  const { sleep, sleeps } = recordingSleep()
  const client = new ReplicateClient({
    baseUrl: fake.url,
    getCredentials: () => Promise.resolve(token === null ? null : { token }),
    sleep,
    random: () => 0.5,
    now: () => fake!.state.clock.now,
    headersTimeoutMs: 2000,
    readTimeoutMs: 2000,
  })
  return { fake, client, sleeps }
}

describe('Replicate client against the fake', () => {
  it('makes a prompt-only take: seed, progress, stereo WAV', async () => {
    const { fake, client } = await setup()
    const req = await client.prepare({ clientId: 'g1', params: params({ seed: 777 }) })
    expect(req.body.version).toBe(REPLICATE_VERSION)
    const sub = await client.submit(req)
    expect(sub.snapshot?.status).toBe('queued')
    const progress: (number | null)[] = []
    const end = await pollToEnd(client, sub.providerJobId, 20, (s) => progress.push(s.progress))
    expect(end.status).toBe('succeeded')
    expect(end.seedUsed).toBe(777)
    expect(end.cost?.predictSeconds).toBeGreaterThan(0)
    expect(progress.some((p) => p !== null && p > 0 && p < 1)).toBe(true)
    expect(end.outputRef?.kind).toBe('url')
    const wav = await collect(client.download(end.outputRef!))
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF')
    expect(wavInfo(wav)).toMatchObject({ channels: 2, sampleRate: 32_000 })
    expect(fake.state.created).toBe(1)
  })

  it('sends small input audio as a data URL (melody take, mono model)', async () => {
    const { fake, client } = await setup()
    const p = params({
      model_version: 'melody-large',
      input_audio: { assetId: 'a1', seconds: 3 },
    })
    const req = await client.prepare({
      clientId: 'g2',
      params: p,
      inputAudio: { bytes: audioBytes(10_000), mime: 'audio/wav', filename: 'm.wav' },
    })
    const input = req.body.input as Record<string, unknown>
    expect(String(input.input_audio)).toMatch(/^data:audio\/wav;base64,/)
    const sub = await client.submit(req)
    const end = await pollToEnd(client, sub.providerJobId)
    expect(end.status).toBe('succeeded')
    expect(wavInfo(await collect(client.download(end.outputRef!))).channels).toBe(1)
    expect(fake.state.files.size).toBe(0)
  })

  it('uploads input audio over 256 KB through /v1/files (continuation take)', async () => {
    const { fake, client } = await setup()
    const p = params({
      continuation: true,
      duration: 8,
      input_audio: { assetId: 'a1', seconds: 4 },
    })
    const req = await client.prepare({
      clientId: 'g3',
      params: p,
      inputAudio: { bytes: audioBytes(300 * 1024), mime: 'audio/wav', filename: 'tail.wav' },
    })
    const input = req.body.input as Record<string, unknown>
    expect(String(input.input_audio)).toMatch(new RegExp(`^${fake.url}/v1/files/`))
    expect([...fake.state.files.values()][0]?.bytes.length).toBe(300 * 1024)
    const end = await pollToEnd(client, (await client.submit(req)).providerJobId)
    expect(end.status).toBe('succeeded')
  })

  it('cancels a running prediction', async () => {
    const { client } = await setup()
    const sub = await client.submit(await client.prepare({ clientId: 'g', params: params() }))
    await client.poll(sub.providerJobId)
    const c = await client.cancel(sub.providerJobId)
    expect(c.confirmed).toBe(true)
    const s = await client.poll(sub.providerJobId)
    expect(s.status).toBe('canceled')
  })

  it('turns each error class into its code and the provider message', async () => {
    const { client: bad } = await setup({}, 'wrong')
    const auth = await errorOf(bad.submit(await bad.prepare({ clientId: 'x', params: params() })))
    expect([auth.code, auth.message]).toEqual([
      'auth',
      'You did not pass a valid authentication token',
    ])
    expect(auth.message).not.toContain('wrong')
    await fake?.close()

    const { client: broke } = await setup({ billingBlocked: true })
    const billing = await errorOf(
      broke.submit(await broke.prepare({ clientId: 'x', params: params() })),
    )
    expect(billing.code).toBe('billing')
    expect(billing.message).toMatch(/insufficient credit/)
    await fake?.close()

    const { fake: f, client } = await setup()
    const req = await client.prepare({ clientId: 'x', params: params() })
    ;(req.body.input as Record<string, unknown>).duration = 2.5
    const invalid = await errorOf(client.submit(req))
    expect(invalid.code).toBe('invalid_input')
    expect(invalid.message).toMatch(/input\.duration/)

    f.state.failNextPredictionWith = 'CUDA out of memory'
    const sub = await client.submit(await client.prepare({ clientId: 'y', params: params() }))
    f.state.failNextPredictionWith = null
    const failed = await pollToEnd(client, sub.providerJobId)
    expect(failed.error).toEqual({ code: 'provider_failed', message: 'CUDA out of memory' })

    // Outputs are deleted after the "hour".
    const ok = await pollToEnd(
      client,
      (await client.submit(await client.prepare({ clientId: 'z', params: params() })))
        .providerJobId,
    )
    f.state.clock.advance(61 * 60 * 1000)
    const gone = await errorOf(collect(client.download(ok.outputRef!)))
    expect(gone.code).toBe('output_expired')
    const later = await client.poll(ok.providerJobId)
    expect(later.error?.code).toBe('output_expired')
    expect(later.outputRef).toBeNull()

    f.state.faults.add({ kind: 'status', status: 503 }, 10)
    const down = await errorOf(client.poll(ok.providerJobId))
    expect(down.code).toBe('provider_failed')
  })

  it('waits out a 429 with backoff, or for Retry-After when given', async () => {
    const { fake, client, sleeps } = await setup()
    const req = await client.prepare({ clientId: 'g', params: params() })
    fake.state.faults.add({ kind: 'status', status: 429 }, 1)
    fake.state.faults.add({ kind: 'status', status: 429, headers: { 'retry-after': '4' } }, 1)
    await client.submit(req)
    // No Retry-After: the body's "resets in ~30s"; then the header's 4 s.
    expect(sleeps).toEqual([30_000, 4000])
    expect(fake.state.created).toBe(1)
  })

  it('retries a 5xx burst on polls with jittered backoff', async () => {
    const { fake, client, sleeps } = await setup()
    const sub = await client.submit(await client.prepare({ clientId: 'g', params: params() }))
    fake.state.faults.add({ kind: 'status', status: 502 }, 2)
    const s = await client.poll(sub.providerJobId)
    expect(s.status).toBe('running')
    expect(sleeps).toEqual([250, 500])
  })

  it('resumes a cut-off download', async () => {
    const { fake, client, sleeps } = await setup({ maxOutputSeconds: 1 })
    const end = await pollToEnd(
      client,
      (await client.submit(await client.prepare({ clientId: 'g', params: params() })))
        .providerJobId,
    )
    fake.state.downloads.cutNext = 2
    const wav = await collect(client.download(end.outputRef!))
    expect(wav.length).toBe(44 + 32_000 * 2 * 2)
    expect(wavInfo(wav).dataBytes).toBe(32_000 * 4)
    expect(fake.state.downloads.served).toBe(3)
    expect(sleeps).toHaveLength(2)
  })

  it('resumes a stalled download after the read timeout', async () => {
    const { fake } = await setup({ maxOutputSeconds: 1, ranges: true })
    const client = new ReplicateClient({
      baseUrl: fake.url,
      getCredentials: () => Promise.resolve({ token: TOKEN }),
      readTimeoutMs: 100,
      sleep: recordingSleep().sleep,
      now: () => fake.state.clock.now,
    })
    const end = await pollToEnd(
      client,
      (await client.submit(await client.prepare({ clientId: 'g', params: params() })))
        .providerJobId,
    )
    fake.state.downloads.stallNext = 1
    const wav = await collect(client.download(end.outputRef!))
    expect(wav.length).toBe(44 + 32_000 * 4)
    expect(fake.state.downloads.served).toBe(2)
  })

  it('never pays twice: a lost create answer is reconciled to the existing prediction', async () => {
    const { fake, client } = await setup({ pageSize: 2 })
    // Older predictions so that reconcile must page through the list.
    for (let i = 0; i < 3; i++) {
      await client.submit(
        await client.prepare({ clientId: `o${i}`, params: params({ seed: i + 1 }) }),
      )
    }
    const req = await client.prepare({ clientId: 'g', params: params({ seed: 4242 }) })
    expect(
      await client.reconcile({ ...req, sentAt: new Date(fake.state.clock.now).toISOString() }),
    ).toEqual({ kind: 'absent' })
    fake.state.faults.add(
      { kind: 'drop-after' },
      1,
      (m, p) => m === 'POST' && p === '/v1/predictions',
    )
    const err = await errorOf(client.submit(req))
    expect(err).toBeInstanceOf(OutcomeUnknownError)
    // Newer predictions push it off the first page.
    for (let i = 0; i < 2; i++) {
      await client.submit(
        await client.prepare({ clientId: `n${i}`, params: params({ seed: 100 + i }) }),
      )
    }
    expect(fake.state.created).toBe(6)
    const reconciled = await client.reconcile(req)
    expect(reconciled.kind).toBe('found')
    const found = reconciled.kind === 'found' ? reconciled.providerJobId : null
    expect(fake.state.predictions.get(found!)?.input.seed).toBe(4242)
    expect(fake.state.requests.filter((r) => r === 'GET /v1/predictions').length).toBeGreaterThan(1)
    expect(fake.state.created).toBe(6)
    const end = await pollToEnd(client, found!)
    expect(end.status).toBe('succeeded')
  })

  it('treats a create that times out after sending as outcome unknown', async () => {
    const { fake } = await setup()
    fake.state.faults.add(
      { kind: 'hang-after' },
      1,
      (m, p) => m === 'POST' && p === '/v1/predictions',
    )
    const short = new ReplicateClient({
      baseUrl: fake.url,
      getCredentials: () => Promise.resolve({ token: TOKEN }),
      headersTimeoutMs: 100,
      preferWaitSeconds: 1,
      now: () => fake.state.clock.now,
      sleep: recordingSleep().sleep,
    })
    // headersTimeout = 100 ms + wait 1 s: the fake never answers.
    const req = await short.prepare({ clientId: 'g', params: params({ seed: 9 }) })
    const err = await errorOf(short.submit(req))
    expect(err.code).toBe('outcome_unknown')
    expect(fake.state.created).toBe(1)
    expect(await short.reconcile(req)).toEqual({
      kind: 'found',
      providerJobId: [...fake.state.predictions.keys()][0],
    })
  })

  it('reports aborted predictions as canceled, unbilled', async () => {
    const { fake, client } = await setup()
    const sub = await client.submit(await client.prepare({ clientId: 'g', params: params() }))
    fake.state.predictions.get(sub.providerJobId)!.status = 'aborted'
    const s = await client.poll(sub.providerJobId)
    expect(s.status).toBe('canceled')
    expect(s.providerStatus).toBe('aborted')
  })
})
