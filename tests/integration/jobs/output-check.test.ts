import { describe, expect, it } from 'vitest'
import type { ProviderClient } from '../../../src/main/core/providers/provider'
import { makeWav } from '../../fakes/common'
import { memoryKeychain, startCore } from '../../helpers/core'
import { tempDir } from '../../helpers/temp'
import { instantSleep, waitFor } from './helpers'

/** A provider that answers at once with the given audio. */
function instantProvider(audio: Buffer): ProviderClient {
  const snapshot = {
    providerJobId: 'job1',
    status: 'succeeded' as const,
    providerStatus: 'succeeded',
    progress: 1,
    logs: 'Using seed 5\n',
    seedUsed: 5,
    outputRef: {
      kind: 'data-url' as const,
      dataUrl: `data:audio/wav;base64,${audio.toString('base64')}`,
    },
    error: null,
    cost: null,
  }
  return {
    id: 'replicate',
    prepare: (job) => Promise.resolve({ provider: 'replicate', clientId: job.clientId, body: {} }),
    submit: () => Promise.resolve({ providerJobId: 'job1', snapshot, cost: null }),
    poll: () => Promise.resolve(snapshot),
    cancel: () => Promise.resolve({ confirmed: true, message: '' }),
    reconcile: () => Promise.resolve({ kind: 'absent' }),
    // eslint-disable-next-line @typescript-eslint/require-await
    download: async function* () {
      yield audio
    },
    estimate: () => Promise.resolve({}),
  }
}

async function run(
  audio: Buffer,
  model: string,
): Promise<{
  status: string
  error: { code: string; message: string } | null
  assets: number
}> {
  const keychain = memoryKeychain()
  await keychain.set('replicate', 'r8_x')
  const instant = instantSleep()
  const core = startCore(tempDir(), {
    keychain,
    sleep: instant.sleep,
    clock: instant.clock,
    providerClients: () => instantProvider(audio),
  })
  const project = await core.call('projects.create', { name: 'Check' })
  const [g] = await core.call('generations.create', {
    projectId: project.id,
    provider: 'replicate',
    params: { prompt: 'check', model_version: model },
  })
  const done = await waitFor(core, g!.id)
  const assets = (await core.call('assets.list', { projectId: project.id })).length
  core.close()
  return { status: done.status, error: done.error, assets }
}

describe('a finished take is verified before it is kept', () => {
  it('fails a take whose channel count does not match its model, keeping no asset', async () => {
    const r = await run(makeWav(0.1, 1), 'stereo-large')
    expect(r.status).toBe('failed')
    expect(r.error?.code).toBe('provider_failed')
    expect(r.error?.message).toMatch(/1 channel\(s\), but stereo-large makes 2/)
    expect(r.assets).toBe(0)
  })

  it('fails a take whose output is not audio', async () => {
    const r = await run(Buffer.from('<html>gateway timeout</html>'), 'large')
    expect(r.status).toBe('failed')
    expect(r.error?.message).toMatch(/The output is not usable/)
    expect(r.assets).toBe(0)
  })

  it('keeps a mono take of a mono model, with the seed from the logs', async () => {
    const r = await run(makeWav(0.1, 1), 'large')
    expect(r).toMatchObject({ status: 'succeeded', error: null, assets: 1 })
  })
})
