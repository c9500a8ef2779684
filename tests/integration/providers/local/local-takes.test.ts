import { createHash } from 'node:crypto'
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { realSleep, type Sleep } from '../../../../src/main/core/providers/http'
import type { Generation } from '../../../../src/shared/domain'
import { TINY_MODEL, localEngineScript } from '../../../helpers/local-engine-script'
import { tempDir } from '../../../helpers/temp'
import { createTake, startJobsCore, waitFor } from '../../jobs/helpers'

/**
 * The queue's waits (its polls of the engine's progress) cut to 5 ms: the tiny model makes a take
 * in well under a second, and the progress test must see the take between tokens more than once
 * however fast the machine is. Each token takes longer than a poll.
 */
const briefSleep: Sleep = (ms, signal) => realSleep(Math.min(ms, 5), signal)

/** A core with the tiny random-weight model installed as the manager installs it. */
async function setup() {
  const dir = tempDir()
  cpSync(TINY_MODEL, join(dir, 'models', 'musicgen-small'), { recursive: true })
  const core = await startJobsCore(dir, {
    keys: false,
    sleep: briefSleep,
    clock: Date.now,
    localEngineScript: localEngineScript(),
  })
  const project = await core.call('projects.create', { name: 'Local' })
  return { dir, core, projectId: project.id }
}

const PARAMS = { prompt: 'lofi hip hop beat', model_version: 'small', duration: 2, seed: 1234 }

describe('local provider through the queue (tiny random-weight model)', () => {
  it('makes a take of the asked length, mono 32 kHz, with progress per token', async () => {
    const { core, projectId } = await setup()
    const g = await createTake(core, projectId, 'local', PARAMS)
    const done = await waitFor(core, g.id, undefined, 60_000)
    expect(done.status).toBe('succeeded')
    expect(done.seed).toBe(1234)
    const asset = (await core.call('assets.list', { projectId })).find(
      (a) => a.id === done.outputAssetId,
    )
    expect(asset).toMatchObject({ channels: 1, sampleRate: 32_000, frames: 64_000 })
    const progress = core.updates
      .filter((u: Generation) => u.id === g.id && u.status === 'running')
      .map((u) => u.progress)
    expect(progress.length).toBeGreaterThan(1)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
    // 2 s = 100 frames + 3 delay steps: the provider's word names the token count.
    expect(done.progress).toBe(1)
    expect(
      core.log.lines.some((l) => l.includes('local take generated') && l.includes('rssMB')),
    ).toBe(true)
    core.close()
  })

  it('gives the same audio for the same seed and parameters, other audio for another seed', async () => {
    const { core, projectId } = await setup()
    const a = await waitFor(
      core,
      (await createTake(core, projectId, 'local', PARAMS)).id,
      undefined,
      60_000,
    )
    const b = await waitFor(
      core,
      (await createTake(core, projectId, 'local', PARAMS)).id,
      undefined,
      60_000,
    )
    const c = await waitFor(
      core,
      (await createTake(core, projectId, 'local', { ...PARAMS, seed: 99 })).id,
      undefined,
      60_000,
    )
    const audio = async (g: Generation): Promise<string> => {
      const media = await core.media(g.outputAssetId ?? '')
      if (media?.kind !== 'file') throw new Error('no stored audio')
      return createHash('sha256').update(readFileSync(media.path)).digest('hex')
    }
    expect([a.status, b.status, c.status]).toEqual(['succeeded', 'succeeded', 'succeeded'])
    // The first take loaded the model, the next ones found it loaded: a warm engine (its cache
    // and sampler started afresh) gives the same audio as a cold one.
    const warmth = core.log.lines
      .filter((l) => l.includes('local take generated'))
      .map((l) => l.includes('"warm":true'))
    expect(warmth).toEqual([false, true, true])
    expect(await audio(a)).toBe(await audio(b))
    expect(await audio(c)).not.toBe(await audio(a))
    core.close()
  })

  it('cancels a running take between decoder steps', async () => {
    const { core, projectId } = await setup()
    const g = await createTake(core, projectId, 'local', { ...PARAMS, duration: 30 })
    await waitFor(core, g.id, ['running'], 60_000)
    const canceled = await core.call('generations.cancel', { generationId: g.id })
    expect(canceled.status).toBe('canceled')
    const after = await waitFor(core, g.id, undefined, 60_000)
    expect(after.status).toBe('canceled')
    expect(after.outputAssetId).toBeNull()
    core.close()
  })

  it('refuses a corrupt model file with a message that says what to do', async () => {
    const { dir, core, projectId } = await setup()
    const decoder = join(dir, 'models', 'musicgen-small', 'onnx', 'decoder_model_merged.onnx')
    const bytes = readFileSync(decoder)
    writeFileSync(decoder, bytes.subarray(0, bytes.length >> 1))
    writeFileSync(
      join(dir, 'models', 'musicgen-small', 'onnx', 'decoder_model_merged_quantized.onnx'),
      'not a model',
    )
    const done = await waitFor(
      core,
      (await createTake(core, projectId, 'local', PARAMS)).id,
      undefined,
      60_000,
    )
    expect(done.status).toBe('failed')
    expect(done.error?.message).toMatch(
      /The local model is damaged \(onnx\/decoder_model_merged_quantized\.onnx\): delete it and download it again in Settings/,
    )
    core.close()
  })

  it('fails a take at once when no model is installed, saying where to get it', async () => {
    const dir = tempDir()
    const core = await startJobsCore(dir, {
      keys: false,
      sleep: realSleep,
      clock: Date.now,
      localEngineScript: localEngineScript(),
    })
    const project = await core.call('projects.create', { name: 'No model' })
    const done = await waitFor(
      core,
      (await createTake(core, project.id, 'local', PARAMS)).id,
      undefined,
      60_000,
    )
    expect(done.status).toBe('failed')
    expect(done.error?.message).toMatch(/local model is not installed: download .* in Settings/)
    core.close()
  })
})
