// A local Cog container running the MusicGen predictor (providers.md §4). Cog keeps nothing: the
// finished prediction (with its output inline as a data: URL) reaches only the connection that
// started it, and there is no GET of a prediction. So submit starts the blocking
// `PUT /predictions/{id}` in the background and keeps it; polls ask the same id again with
// `Prefer: respond-async`, which is idempotent while that id runs, for the logs and progress.
import {
  type ResolvedMusicgenParams,
  parseSeedFromLogs,
  parseTokenProgress,
} from '../../../../shared/musicgen'
import { toPredictorInput, typicalPredictSeconds } from '../predictor-input'
import { assertSendable } from '../sendable'
import { HttpClient, type HttpRequest } from '../http'
import {
  type CancelResult,
  type Estimate,
  type JobSnapshot,
  type JobStatus,
  type JsonObject,
  type OutputRef,
  type PollContext,
  type PreparedRequest,
  type ProviderClient,
  type ProviderClientOptions,
  type Reconciled,
  type SubmitJob,
  type SubmitResult,
  ABSENT,
  dataUrl,
  decodeDataUrl,
  found,
  logsTail,
  progressFromCounter,
  trimBase,
} from '../provider'
import { OutcomeUnknownError, ProviderError } from '../provider-error'

export const COG_DEFAULT_URL = 'http://127.0.0.1:5000'

export interface CogClientOptions extends ProviderClientOptions {
  /** Polls of /health-check while waiting for a prediction to start, and the pause between. */
  startPollLimit?: number
  startPollMs?: number
  /** Suggested wait when the container is busy with another prediction. */
  busyRetryMs?: number
}

/** STARTING, READY, BUSY, SETUP_FAILED, DEFUNCT, or whatever a newer Cog says. */
export type CogHealth = string

interface CogPrediction {
  id?: string
  status?: string
  output?: unknown
  error?: unknown
  logs?: unknown
  metrics?: { predict_time?: number } | null
  created_at?: string | null
  started_at?: string | null
  completed_at?: string | null
}

interface InFlight {
  body: JsonObject
  settled: boolean
  result: CogPrediction | null
  error: ProviderError | null
  done: Promise<void>
}

const STATUS: Record<string, JobStatus> = {
  starting: 'queued',
  processing: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  canceled: 'canceled',
}

// Cog writes a data: input to a temp file named after the MIME type; audio/wav gives no extension.
function cogMime(mime: string): string {
  if (mime === 'audio/wav' || mime === 'audio/wave' || mime === 'audio/vnd.wave')
    return 'audio/x-wav'
  if (mime === 'audio/mp3') return 'audio/mpeg'
  return mime
}

export function snapshotFromCog(id: string, p: CogPrediction): JobSnapshot {
  const raw = typeof p.status === 'string' ? p.status : 'processing'
  const status = STATUS[raw] ?? 'running'
  const logs = typeof p.logs === 'string' ? p.logs : null
  const out = typeof p.output === 'string' ? p.output : null
  let outputRef: OutputRef | null = null
  if (out !== null) {
    outputRef = out.startsWith('data:')
      ? { kind: 'data-url', dataUrl: out }
      : { kind: 'url', url: out }
  }
  let error: JobSnapshot['error'] = null
  if (status === 'failed') {
    error = {
      code: 'provider_failed',
      message: typeof p.error === 'string' && p.error !== '' ? p.error : 'The prediction failed',
    }
  } else if (status === 'succeeded' && outputRef === null) {
    error = { code: 'provider_failed', message: 'The prediction succeeded without an output' }
  }
  const snap: JobSnapshot = {
    providerJobId: id,
    status,
    providerStatus: raw,
    progress: status === 'succeeded' ? 1 : progressFromCounter(parseTokenProgress(logs)),
    logs: logsTail(logs),
    seedUsed: parseSeedFromLogs(logs),
    outputRef,
    error,
    cost:
      typeof p.metrics?.predict_time === 'number'
        ? { predictSeconds: p.metrics.predict_time }
        : null,
  }
  if (typeof p.created_at === 'string') snap.createdAt = p.created_at
  if (typeof p.started_at === 'string') snap.startedAt = p.started_at
  if (typeof p.completed_at === 'string') snap.completedAt = p.completed_at
  return snap
}

export class CogClient implements ProviderClient {
  readonly id = 'cog' as const
  private readonly http: HttpClient
  private readonly base: string
  private readonly opts: CogClientOptions
  private readonly inflight = new Map<string, InFlight>()

  constructor(options: CogClientOptions) {
    this.opts = options
    this.base = trimBase(options.baseUrl)
    this.http = new HttpClient('cog', options)
  }

  private url(id: string): string {
    return `${this.base}/predictions/${encodeURIComponent(id)}`
  }

  async health(signal?: AbortSignal): Promise<CogHealth> {
    const res = await this.http.json({
      method: 'GET',
      url: `${this.base}/health-check`,
      signal,
      what: 'Cog health check',
    })
    const status = (res.body as { status?: unknown } | null)?.status
    return typeof status === 'string' ? status : 'UNKNOWN'
  }

  prepare(job: SubmitJob): Promise<PreparedRequest> {
    const audio = job.inputAudio ?? null
    assertSendable(job.params, 'cog', audio !== null)
    const url = audio === null ? undefined : dataUrl(cogMime(audio.mime), audio.bytes)
    const input = toPredictorInput(job.params, url)
    return Promise.resolve({
      provider: 'cog',
      clientId: job.clientId,
      body: { id: job.clientId, input: input as unknown as JsonObject },
    })
  }

  private busy(message: string): ProviderError {
    return new ProviderError('cog', 'rate_limited', message, {
      status: 409,
      retryable: true,
      retryAfterMs: this.opts.busyRetryMs ?? 5000,
    })
  }

  private put(id: string, body: JsonObject, extra: Partial<HttpRequest>): Promise<CogPrediction> {
    // Cog reads JSON bodies only (415 or 422 otherwise): extra headers add to the content type.
    const { headers, ...rest } = extra
    return this.http
      .json({
        ...rest,
        method: 'PUT',
        url: this.url(id),
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      .then((r) => (r.body ?? {}) as CogPrediction)
      .catch((e: unknown) => {
        // 409: another prediction runs (or, on the Python server, setup is not finished); 503:
        // the Rust server's setup is not finished. Nothing was accepted either way: try later.
        if (e instanceof ProviderError && (e.status === 409 || e.status === 503)) {
          throw this.busy(e.message)
        }
        throw e
      })
  }

  async submit(request: PreparedRequest, signal?: AbortSignal): Promise<SubmitResult> {
    const id = request.clientId
    const health = await this.health(signal)
    if (health === 'BUSY') throw this.busy('The Cog container is busy with another prediction')
    if (health === 'STARTING') throw this.busy('The Cog container is still loading the model')
    if (health === 'SETUP_FAILED' || health === 'DEFUNCT') {
      throw new ProviderError('cog', 'provider_failed', `The Cog container reports ${health}`)
    }
    request.sentAt ??= new Date(this.http.now()).toISOString()
    const entry: InFlight = {
      body: request.body,
      settled: false,
      result: null,
      error: null,
      done: Promise.resolve(),
    }
    // The blocking form: its answer is the finished prediction with the output inline. The
    // container's first run downloads weights, so no headers timeout short of an hour.
    entry.done = this.put(id, request.body, {
      paid: true,
      // The Rust server's 503 says setup has not finished: refused, nothing started.
      retryStatuses: [503],
      headersTimeoutMs: 60 * 60 * 1000,
      what: 'Cog prediction',
    }).then(
      (p) => {
        entry.result = p
        entry.settled = true
      },
      (e: unknown) => {
        entry.error =
          e instanceof ProviderError
            ? e
            : new OutcomeUnknownError('cog', `Cog prediction failed: ${String(e)}`, e)
        entry.settled = true
      },
    )
    this.inflight.set(id, entry)
    const limit = this.opts.startPollLimit ?? 50
    for (let i = 0; i < limit; i++) {
      if (entry.settled) break
      if ((await this.health(signal)) === 'BUSY') {
        return { providerJobId: id, snapshot: null, cost: null }
      }
      await this.http.sleep(this.opts.startPollMs ?? 200, signal)
    }
    await entry.done
    if (entry.error !== null) {
      this.inflight.delete(id)
      throw entry.error
    }
    const snap = snapshotFromCog(id, entry.result ?? {})
    return { providerJobId: id, snapshot: snap, cost: snap.cost }
  }

  private finished(id: string, entry: InFlight): JobSnapshot {
    this.inflight.delete(id)
    if (entry.error !== null) throw entry.error
    return snapshotFromCog(id, entry.result ?? {})
  }

  async poll(providerJobId: string, context?: PollContext): Promise<JobSnapshot> {
    const id = providerJobId
    const entry = this.inflight.get(id)
    if (entry === undefined) {
      throw new OutcomeUnknownError(
        'cog',
        'Cog sends a result only to the connection that started it, and that connection is gone: reconcile, then submit again',
      )
    }
    if (entry.settled) return this.finished(id, entry)
    // Only ask while the container is busy: asking an idle one would start the id again.
    if ((await this.health(context?.signal)) !== 'BUSY') {
      await entry.done
      return this.finished(id, entry)
    }
    let p: CogPrediction
    try {
      p = await this.put(id, context?.request?.body ?? entry.body, {
        headers: { prefer: 'respond-async' },
        signal: context?.signal,
        what: 'Cog prediction state',
      })
    } catch (e) {
      // Busy with another id: ours has ended, and its answer is on the way.
      if (e instanceof ProviderError && e.code === 'rate_limited') {
        await entry.done
        return this.finished(id, entry)
      }
      throw e
    }
    if (entry.settled) return this.finished(id, entry)
    const snap = snapshotFromCog(id, p)
    if (snap.status === 'succeeded' || snap.status === 'failed' || snap.status === 'canceled') {
      await entry.done
      return this.finished(id, entry)
    }
    return snap
  }

  async cancel(providerJobId: string, signal?: AbortSignal): Promise<CancelResult> {
    try {
      await this.http.json({
        method: 'POST',
        url: `${this.url(providerJobId)}/cancel`,
        signal,
        what: 'Cog cancel',
      })
      return { confirmed: true, message: 'Cog canceled the prediction' }
    } catch (e) {
      if (e instanceof ProviderError && e.status === 404) {
        return { confirmed: false, message: 'That prediction is not running on the Cog container' }
      }
      throw e
    }
  }

  /**
   * The id is the client's, so nothing can run twice under it unseen. A prediction of that id
   * still running from a lost connection is canceled (its output could never be fetched) and
   * null is returned: the job submits again with the same id. A local run costs no money.
   */
  async reconcile(request: PreparedRequest, signal?: AbortSignal): Promise<Reconciled> {
    const entry = this.inflight.get(request.clientId)
    if (entry !== undefined && !entry.settled) return found(request.clientId)
    this.inflight.delete(request.clientId)
    await this.cancel(request.clientId, signal)
    return ABSENT
  }

  async *download(ref: OutputRef, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    if (ref.kind === 'data-url') {
      const d = decodeDataUrl(ref.dataUrl)
      if (d === null)
        throw new ProviderError('cog', 'provider_failed', 'Cog output is not a data URL')
      yield d.bytes
      return
    }
    if (ref.kind !== 'url')
      throw new ProviderError('cog', 'invalid_input', `Cog cannot download ${ref.kind}`)
    yield* this.http.download(
      () => Promise.resolve({ method: 'GET', url: ref.url, signal, what: 'Cog output download' }),
      signal,
    )
  }

  /** No key: the container answers its health check, and its setup did not fail. */
  async verifyCredentials(signal?: AbortSignal): Promise<void> {
    const health = await this.health(signal)
    if (health === 'SETUP_FAILED' || health === 'DEFUNCT') {
      throw new ProviderError('cog', 'provider_failed', `The Cog container reports ${health}`)
    }
  }

  estimate(params: ResolvedMusicgenParams): Promise<Estimate> {
    return Promise.resolve({ typicalSeconds: typicalPredictSeconds(params, 5) })
  }
}

export function createCogClient(options: CogClientOptions): CogClient {
  return new CogClient(options)
}
