// The local provider as the queue sees it: prepare and submit start a take on the engine (free,
// so a lost answer is simply run again), poll reads its progress, the result is a WAV file in the
// data directory that `download` streams once and removes.
import { createReadStream, existsSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { LOCAL_MODEL, NO_ENCODER_MESSAGE } from '../../../../shared/local-model'
import type { ResolvedMusicgenParams } from '../../../../shared/musicgen'
import { decodeWav, encodeWav } from '../../audio/formats/wav'
import type { Log } from '../../log'
import {
  ABSENT,
  type CancelResult,
  type Estimate,
  type JsonObject,
  type JobSnapshot,
  type OutputRef,
  type PreparedRequest,
  type ProviderClient,
  type Reconciled,
  type SubmitJob,
  type SubmitResult,
} from '../provider'
import { ProviderError } from '../provider-error'
import { assertSendable } from '../sendable'
import { EngineFailure, type LocalEngineHost } from './engine-host'
import { MODEL_FILES } from './model-files'
import type { LocalModelManager } from './model-manager'

export interface LocalClientDeps {
  host: LocalEngineHost
  manager: LocalModelManager
  /** Where finished takes wait for the queue to store them. */
  outputDir: string
  log: Log
}

interface LocalJob {
  snapshot: JobSnapshot
  abort: AbortController
}

export const NO_MODEL_MESSAGE = `The local model is not installed: download ${LOCAL_MODEL.label} in Settings (${LOCAL_MODEL.licence}).`

function snapshot(id: string, patch: Partial<JobSnapshot>): JobSnapshot {
  return {
    providerJobId: id,
    status: 'queued',
    providerStatus: 'queued',
    progress: null,
    logs: null,
    seedUsed: null,
    outputRef: null,
    error: null,
    cost: null,
    ...patch,
  }
}

export class LocalClient implements ProviderClient {
  readonly id = 'local' as const
  readonly #jobs = new Map<string, LocalJob>()
  /**
   * The audio each prepared take continues, until its submit: too large for the request the row
   * records, and a take lost in a restart is prepared again (a local run is free).
   */
  readonly #continued = new Map<string, Float32Array>()

  constructor(private readonly deps: LocalClientDeps) {}

  /** No key to check: the local provider works once its model is installed. */
  async verifyCredentials(): Promise<void> {
    if ((await this.deps.manager.installed()) === null) {
      throw new ProviderError('local', 'invalid_input', NO_MODEL_MESSAGE)
    }
  }

  async prepare(job: SubmitJob): Promise<PreparedRequest> {
    const installed = await this.deps.manager.installed()
    if (installed === null) throw new ProviderError('local', 'invalid_input', NO_MODEL_MESSAGE)
    const p: ResolvedMusicgenParams = job.params
    const audio = job.inputAudio ?? null
    assertSendable(p, 'local', audio !== null)
    let continued: JsonObject = {}
    if (audio !== null) {
      if (!installed.continues)
        throw new ProviderError('local', 'invalid_input', NO_ENCODER_MESSAGE)
      const samples = continuedSlice(audio.bytes, p)
      // The queue prepares one local take at a time (the descriptor's concurrency): anything
      // still here is of a take canceled between its prepare and its submit.
      this.#continued.clear()
      this.#continued.set(job.clientId, samples)
      continued = {
        input_audio: audio.filename,
        continuation: p.continuation,
        continuation_start: p.continuation_start,
        continuation_end: p.continuation_end,
      }
    }
    return {
      provider: 'local',
      clientId: job.clientId,
      body: {
        prompt: p.prompt,
        ...continued,
        duration: p.duration,
        top_k: p.top_k,
        top_p: p.top_p,
        temperature: p.temperature,
        classifier_free_guidance: p.classifier_free_guidance,
        seed: p.seed,
      },
    }
  }

  submit(request: PreparedRequest): Promise<SubmitResult> {
    const id = request.clientId
    const existing = this.#jobs.get(id)
    if (existing !== undefined)
      return Promise.resolve({ providerJobId: id, snapshot: existing.snapshot, cost: null })
    const b = request.body as Record<string, number | string>
    const seed = Number(b.seed)
    const continueFrom = this.#continued.get(id)
    this.#continued.delete(id)
    if (b.input_audio !== undefined && continueFrom === undefined) {
      return Promise.reject(
        new ProviderError(
          'local',
          'provider_failed',
          'The audio to continue was lost: retry the take.',
        ),
      )
    }
    const job: LocalJob = {
      snapshot: snapshot(id, { seedUsed: seed }),
      abort: new AbortController(),
    }
    this.#jobs.set(id, job)
    const update = (patch: Partial<JobSnapshot>): void => {
      job.snapshot = { ...job.snapshot, ...patch }
    }
    const run = this.deps.host.run(
      {
        modelDir: this.deps.manager.modelDir,
        // The int8 decoder when the model has one: about twice as fast on a CPU.
        quantized: existsSync(join(this.deps.manager.modelDir, MODEL_FILES.decoderInt8)),
        request: {
          prompt: String(b.prompt),
          seconds: Number(b.duration),
          seed,
          topK: Number(b.top_k),
          topP: Number(b.top_p),
          temperature: Number(b.temperature),
          guidance: Number(b.classifier_free_guidance),
          ...(continueFrom ? { continueFrom } : {}),
        },
        onProgress: (done, total) =>
          update({
            status: 'running',
            providerStatus: `token ${done} / ${total}`,
            progress: done / total,
          }),
      },
      job.abort.signal,
    )
    run
      .then(async (out) => {
        const wav = encodeWav(
          { sampleRate: out.sampleRate, channels: [out.samples] },
          { format: 'float32' },
        )
        await mkdir(this.deps.outputDir, { recursive: true })
        const path = join(this.deps.outputDir, `${id}.wav`)
        await writeFile(path, wav)
        this.deps.log.info('local take generated', {
          id,
          rssMB: Math.round(out.rssBytes / 1e6),
          // Whether the model was still loaded from the take before (no loading in this one).
          warm: out.warm,
        })
        update({
          status: 'succeeded',
          providerStatus: 'succeeded',
          progress: 1,
          outputRef: { kind: 'url', url: pathToFileURL(path).href },
        })
      })
      .catch((error: unknown) => {
        if (error instanceof EngineFailure && error.code === 'canceled') {
          update({
            status: 'canceled',
            providerStatus: 'canceled',
            error: { code: 'canceled', message: 'Canceled.' },
          })
          return
        }
        const message =
          error instanceof EngineFailure && error.code === 'model_file'
            ? `The local model is damaged (${error.file ?? 'a file'}): delete it and download it again in Settings.`
            : `The local engine failed: ${error instanceof Error ? error.message : String(error)}`
        this.deps.log.warn('local take failed', {
          id,
          detail: error instanceof Error ? error.message : String(error),
        })
        update({
          status: 'failed',
          providerStatus: 'failed',
          error: { code: 'provider_failed', message },
        })
      })
    return Promise.resolve({ providerJobId: id, snapshot: job.snapshot, cost: null })
  }

  poll(providerJobId: string): Promise<JobSnapshot> {
    const job = this.#jobs.get(providerJobId)
    if (job === undefined) {
      // The engine ran in this process: a take it did not finish before the app closed is gone.
      return Promise.resolve(
        snapshot(providerJobId, {
          status: 'failed',
          providerStatus: 'lost',
          error: {
            code: 'provider_failed',
            message: 'The app closed while this take was generating locally: retry it.',
          },
        }),
      )
    }
    return Promise.resolve(job.snapshot)
  }

  cancel(providerJobId: string): Promise<CancelResult> {
    this.#continued.delete(providerJobId)
    const job = this.#jobs.get(providerJobId)
    job?.abort.abort()
    return Promise.resolve({ confirmed: true, message: 'Canceled.' })
  }

  /** A local run costs nothing: one the app lost can always run again. */
  reconcile(): Promise<Reconciled> {
    return Promise.resolve(ABSENT)
  }

  async *download(ref: OutputRef): AsyncIterable<Uint8Array> {
    if (ref.kind !== 'url' || !ref.url.startsWith('file:')) {
      throw new ProviderError('local', 'output_expired', 'This local take has no audio file.')
    }
    const path = fileURLToPath(ref.url)
    if (!path.startsWith(this.deps.outputDir)) {
      throw new ProviderError(
        'local',
        'output_expired',
        'This local take points outside the app’s folder.',
      )
    }
    try {
      for await (const chunk of createReadStream(path)) yield chunk as Uint8Array
    } catch (error) {
      throw new ProviderError(
        'local',
        'output_expired',
        'The audio of this local take is gone: retry it.',
        { cause: error },
      )
    }
    await rm(path, { force: true })
    this.#jobs.delete(basename(path, '.wav'))
  }

  estimate(): Promise<Estimate> {
    return Promise.resolve({})
  }
}

/**
 * The samples of the continued slice: the queue's mono float WAV at the model's rate, cut to
 * continuation_start..continuation_end (whole seconds) as predict.py cuts its input audio.
 */
function continuedSlice(wav: Uint8Array, p: ResolvedMusicgenParams): Float32Array {
  const { audio } = decodeWav(wav)
  const samples = audio.channels[0]
  if (audio.channels.length !== 1 || audio.sampleRate !== LOCAL_MODEL.sampleRate || !samples) {
    throw new ProviderError(
      'local',
      'invalid_input',
      `The audio to continue must be mono at ${LOCAL_MODEL.sampleRate} Hz`,
    )
  }
  const rate = audio.sampleRate
  const end = p.continuation_end === null ? samples.length : p.continuation_end * rate
  return samples.slice(p.continuation_start * rate, Math.min(end, samples.length))
}
