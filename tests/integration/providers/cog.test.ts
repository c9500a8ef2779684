import { afterEach, describe, it, expect } from 'vitest'
import { CogClient } from '../../../src/main/core/providers/cog/client'
import { type CogFake, type CogFakeOptions, type CogServer, startCogFake } from '../../fakes/cog'
import { audioBytes, collect, errorOf, params, pollToEnd, recordingSleep, wavInfo } from './helpers'

let fake: CogFake | null = null

afterEach(async () => {
  await fake?.close()
  fake = null
})

async function setupFake(
  opts: CogFakeOptions,
): Promise<{ fake: CogFake; client: CogClient; sleeps: number[] }> {
  await fake?.close()
  fake = await startCogFake(opts)
  const { sleep, sleeps } = recordingSleep()
  const client = new CogClient({
    baseUrl: fake.url,
    sleep,
    random: () => 0.5,
    headersTimeoutMs: 2000,
    readTimeoutMs: 2000,
  })
  return { fake, client, sleeps }
}

// Cog has shipped two HTTP servers (Python/FastAPI, then Rust): a container may run either.
const INVALID_DURATION: Record<CogServer, string> = {
  python: 'input.duration: value is not a valid integer',
  rust: 'input.duration: 1.5 is not of type "integer"',
}

describe.each(['python', 'rust'] as const)('Cog client against the %s server', (server) => {
  async function setup(
    opts: CogFakeOptions = {},
  ): Promise<{ fake: CogFake; client: CogClient; sleeps: number[] }> {
    return setupFake({ server, ...opts })
  }

  it("asks a running prediction's state with a JSON body (the server refuses others)", async () => {
    const { fake, client } = await setup()
    await client.submit(await client.prepare({ clientId: 'gen-j', params: params() }))
    // The status PUT carries `prefer: respond-async` and must keep its JSON content type.
    const s = await client.poll('gen-j')
    expect(s.status).toBe('running')
    expect(fake.state.refusedContentType).toBe(0)
    const end = await pollToEnd(client, 'gen-j')
    expect(end.status).toBe('succeeded')
  })

  it('waits for a container still loading its model, sends nothing, then runs the take once', async () => {
    const { fake, client } = await setup({ idleStatus: 'STARTING' })
    const req = await client.prepare({ clientId: 'g-start', params: params() })
    const early = await errorOf(client.submit(req))
    expect(early.code).toBe('rate_limited')
    expect(early.retryable).toBe(true)
    expect(fake.state.created).toBe(0)
    fake.state.idleStatus = 'READY'
    await client.submit(req)
    expect((await pollToEnd(client, 'g-start')).status).toBe('succeeded')
    expect(fake.state.created).toBe(1)
  })

  it('treats a setup-not-finished answer to the prediction itself as nothing started', async () => {
    const { fake, client } = await setup()
    const req = await client.prepare({ clientId: 'g-race', params: params() })
    // The health check said READY, then the container restarted before the prediction arrived.
    const health = client.health.bind(client)
    client.health = async (signal) => {
      const answer = await health(signal)
      fake.state.idleStatus = 'STARTING'
      return answer
    }
    const err = await errorOf(client.submit(req))
    expect(err.code).toBe('rate_limited')
    expect(err.retryable).toBe(true)
    expect(fake.state.created).toBe(0)
  })

  it('makes a prompt-only take: blocking PUT with a client id, progress from logs', async () => {
    const { fake, client } = await setup()
    const req = await client.prepare({ clientId: 'gen-1', params: params({ seed: 5150 }) })
    const sub = await client.submit(req)
    expect(sub.providerJobId).toBe('gen-1')
    expect(fake.state.current?.id).toBe('gen-1')
    const progress: (number | null)[] = []
    const end = await pollToEnd(client, 'gen-1', 20, (s) => progress.push(s.progress))
    expect(end.status).toBe('succeeded')
    expect(end.seedUsed).toBe(5150)
    expect(progress.some((p) => p !== null && p > 0 && p < 1)).toBe(true)
    expect(end.outputRef?.kind).toBe('data-url')
    const wav = await collect(client.download(end.outputRef!))
    expect(wavInfo(wav)).toMatchObject({ channels: 2, sampleRate: 32_000 })
    expect(fake.state.created).toBe(1)
  })

  it('sends input audio as an audio/x-wav data URL (melody and continuation)', async () => {
    const { fake, client } = await setup()
    for (const [i, p] of [
      params({ model_version: 'melody-large', input_audio: { assetId: 'a', seconds: 3 } }),
      params({
        model_version: 'large',
        continuation: true,
        duration: 6,
        input_audio: { assetId: 'a', seconds: 3 },
      }),
    ].entries()) {
      const req = await client.prepare({
        clientId: `g${i}`,
        params: p,
        inputAudio: { bytes: audioBytes(2000), mime: 'audio/wav', filename: 'in.wav' },
      })
      expect(String((req.body.input as Record<string, unknown>).input_audio)).toMatch(
        /^data:audio\/x-wav;base64,/,
      )
      await client.submit(req)
      const end = await pollToEnd(client, `g${i}`)
      expect(end.status).toBe('succeeded')
      expect(wavInfo(await collect(client.download(end.outputRef!))).channels).toBe(1)
    }
    expect(fake.state.created).toBe(2)
  })

  it('checks the container answers (no key) and refuses one whose setup failed', async () => {
    const { client } = await setup()
    await client.verifyCredentials()
    const { client: broken } = await setup({ idleStatus: 'SETUP_FAILED' })
    expect((await errorOf(broken.verifyCredentials())).message).toMatch(/SETUP_FAILED/)
  })

  it('cancels the running prediction', async () => {
    const { fake, client } = await setup()
    await client.submit(await client.prepare({ clientId: 'g', params: params() }))
    expect((await client.cancel('g')).confirmed).toBe(true)
    const s = await client.poll('g')
    expect(s.status).toBe('canceled')
    expect(fake.state.current).toBeNull()
    expect((await client.cancel('g')).confirmed).toBe(false)
  })

  it('maps busy, invalid input, predictor failure and setup failure', async () => {
    const { fake, client } = await setup()
    fake.state.occupy()
    const busy = await errorOf(
      client.submit(await client.prepare({ clientId: 'g', params: params() })),
    )
    expect(busy.code).toBe('rate_limited')
    expect(busy.retryable).toBe(true)
    fake.state.tick(10)

    const req = await client.prepare({ clientId: 'g2', params: params() })
    ;(req.body.input as Record<string, unknown>).duration = 1.5
    const invalid = await errorOf(client.submit(req))
    expect(invalid.code).toBe('invalid_input')
    expect(invalid.message).toBe(INVALID_DURATION[server])

    fake.state.failNextPredictionWith = 'CUDA error: out of memory'
    await client.submit(await client.prepare({ clientId: 'g3', params: params() }))
    fake.state.failNextPredictionWith = null
    const failed = await pollToEnd(client, 'g3')
    expect(failed.error).toEqual({ code: 'provider_failed', message: 'CUDA error: out of memory' })

    const { client: broken } = await setup({ idleStatus: 'SETUP_FAILED' })
    const setupErr = await errorOf(
      broken.submit(await broken.prepare({ clientId: 'g', params: params() })),
    )
    expect(setupErr.code).toBe('provider_failed')
    expect(setupErr.message).toMatch(/SETUP_FAILED/)
  })

  it('retries a 5xx burst on prediction-state requests', async () => {
    const { fake, client, sleeps } = await setup()
    await client.submit(await client.prepare({ clientId: 'g', params: params() }))
    fake.state.faults.add({ kind: 'status', status: 502 }, 2, (m) => m === 'PUT')
    const s = await client.poll('g')
    expect(s.status).toBe('running')
    expect(sleeps.slice(-2)).toEqual([250, 500])
  })

  it('a lost answer: reconcile cancels the orphan, the same id runs again once', async () => {
    const { fake, client } = await setup()
    fake.state.faults.add({ kind: 'drop-after' }, 1, (m) => m === 'PUT')
    const req = await client.prepare({ clientId: 'g', params: params() })
    // The blocking request dies once the fake accepted it: submit sees BUSY first and returns.
    await client.submit(req)
    const err = await errorOf(client.poll('g'))
    expect(err.code).toBe('outcome_unknown')
    expect(await client.reconcile(req)).toEqual({ kind: 'absent' })
    expect(fake.state.current).toBeNull()
    await client.submit(req)
    // While our own blocking request is alive, reconcile knows the id.
    expect(await client.reconcile(req)).toEqual({ kind: 'found', providerJobId: 'g' })
    const end = await pollToEnd(client, 'g')
    expect(end.status).toBe('succeeded')
    expect(fake.state.history.map((p) => [p.id, p.status])).toEqual([
      ['g', 'canceled'],
      ['g', 'succeeded'],
    ])
  })
})
