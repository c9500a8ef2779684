// Replicate's meta/musicgen over its REST API, directly over fetch (providers.md §2 says why the
// npm client does not fit: no backoff, no abort while blocking, the token in data-URI bodies).
import {
  type ResolvedMusicgenParams,
  MODEL_CAPABILITIES,
  parseSeedFromLogs,
  parseTokenProgress,
  toReplicateInput,
} from '../../../../shared/musicgen'
import { type AuthHeaders, AuthedClient } from '../authed-client'
import {
  type CancelResult,
  type Estimate,
  type JobCost,
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
  found,
  logsTail,
  progressFromCounter,
} from '../provider'
import { ProviderError } from '../provider-error'

export const REPLICATE_VERSION = '671ac645ce5e552cc63a54a2bbff63fcf798043055d2dac5fc9e36a837eedcfb'
export const REPLICATE_DEFAULT_URL = 'https://api.replicate.com'
/** Replicate documents data: URLs up to 256 KB; larger input goes through /v1/files. */
export const REPLICATE_DATA_URL_MAX_BYTES = 256 * 1024

export interface ReplicateCredentials {
  token: string
}

export interface ReplicateClientOptions extends ProviderClientOptions {
  getCredentials: () => Promise<ReplicateCredentials | null>
  /** Seconds the create call may hold for a result (`Prefer: wait=N`, 1..60). */
  preferWaitSeconds?: number
  /** Wall-clock time reconcile may spend reading the prediction list. */
  reconcileBudgetMs?: number
}

interface Prediction {
  id: string
  status: string
  version?: string
  input?: Record<string, unknown>
  output?: unknown
  error?: unknown
  logs?: string | null
  metrics?: { predict_time?: number } | null
  created_at?: string | null
  started_at?: string | null
  completed_at?: string | null
  data_removed?: boolean
  /** api or web. */
  source?: string
}

function asPrediction(body: unknown): Prediction {
  if (typeof body !== 'object' || body === null) {
    throw new ProviderError(
      'replicate',
      'provider_failed',
      'Replicate answered without a prediction',
    )
  }
  const b = body as Record<string, unknown>
  if (typeof b.id !== 'string' || typeof b.status !== 'string') {
    throw new ProviderError(
      'replicate',
      'provider_failed',
      'Replicate answered without a prediction',
    )
  }
  return body as Prediction
}

const STATUS: Record<string, JobStatus> = {
  starting: 'queued',
  processing: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  canceled: 'canceled',
  // The Cancel-After deadline passed before it started: not billed, nothing to fetch.
  aborted: 'canceled',
}

function firstUrl(output: unknown): string | null {
  if (typeof output === 'string') return output
  if (Array.isArray(output) && typeof output[0] === 'string') return output[0]
  return null
}

export function snapshotFromPrediction(p: Prediction): JobSnapshot {
  const status = STATUS[p.status] ?? 'running'
  const logs = typeof p.logs === 'string' ? p.logs : null
  const url = firstUrl(p.output)
  const cost: JobCost | null =
    typeof p.metrics?.predict_time === 'number' ? { predictSeconds: p.metrics.predict_time } : null
  const seedFromInput = typeof p.input?.seed === 'number' ? p.input.seed : null
  let error: JobSnapshot['error'] = null
  if (status === 'failed') {
    error = {
      code: 'provider_failed',
      message: typeof p.error === 'string' && p.error !== '' ? p.error : 'The prediction failed',
    }
  } else if (p.status === 'aborted') {
    error = {
      code: 'canceled',
      message: 'The prediction was aborted before it started (not billed)',
    }
  } else if (status === 'succeeded' && url === null) {
    error =
      p.data_removed === true
        ? { code: 'output_expired', message: 'Replicate deleted the output (kept about an hour)' }
        : { code: 'provider_failed', message: 'The prediction succeeded without an output' }
  }
  let progress = progressFromCounter(parseTokenProgress(logs))
  if (status === 'succeeded') progress = 1
  const snap: JobSnapshot = {
    providerJobId: p.id,
    status,
    providerStatus: p.status,
    progress,
    logs: logsTail(logs),
    seedUsed: parseSeedFromLogs(logs) ?? seedFromInput,
    outputRef: url === null ? null : { kind: 'url', url },
    error,
    cost,
  }
  if (typeof p.created_at === 'string') snap.createdAt = p.created_at
  if (typeof p.started_at === 'string') snap.startedAt = p.started_at
  if (typeof p.completed_at === 'string') snap.completedAt = p.completed_at
  return snap
}

/** Our clock and Replicate's may differ this much; the window grows by it on both sides. */
const CLOCK_SKEW_MS = 2 * 60_000

function hasInput(p: Prediction): p is Prediction & { input: Record<string, unknown> } {
  return (
    p.data_removed !== true &&
    typeof p.input === 'object' &&
    p.input !== null &&
    Object.keys(p.input).length > 0
  )
}

// Replicate may rewrite a data: input into a file URL, so files compare only URL to URL.
function sameInput(sent: Record<string, unknown>, found: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(sent), ...Object.keys(found)])
  for (const k of keys) {
    const a = sent[k]
    const b = found[k]
    if (k === 'input_audio') {
      if ((a === undefined) !== (b === undefined)) return false
      if (typeof a === 'string' && typeof b === 'string' && !a.startsWith('data:') && a !== b) {
        return false
      }
      continue
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) return false
  }
  return true
}

export class ReplicateClient
  extends AuthedClient<ReplicateClientOptions>
  implements ProviderClient
{
  readonly id = 'replicate' as const

  constructor(options: ReplicateClientOptions) {
    super('replicate', options)
  }

  protected async auth(): Promise<AuthHeaders> {
    const creds = await this.opts.getCredentials()
    if (creds === null || creds.token.trim() === '') {
      throw new ProviderError('replicate', 'auth', 'No Replicate API token is set')
    }
    return { headers: { authorization: `Bearer ${creds.token}` }, secrets: [creds.token] }
  }

  async prepare(job: SubmitJob): Promise<PreparedRequest> {
    let audioUrl: string | undefined
    const audio = job.inputAudio ?? null
    if (audio !== null) {
      audioUrl =
        audio.bytes.byteLength <= REPLICATE_DATA_URL_MAX_BYTES
          ? dataUrl(audio.mime, audio.bytes)
          : await this.uploadFile(audio.bytes, audio.mime, audio.filename, job.signal)
    }
    // Validates first: nothing that fails validation is sent (throws InvalidParamsError).
    const input = toReplicateInput(job.params, audioUrl)
    return {
      provider: 'replicate',
      clientId: job.clientId,
      body: { version: REPLICATE_VERSION, input: input as unknown as JsonObject },
    }
  }

  /** `POST /v1/files` (multipart: content, filename, type) → the file's `urls.get`. */
  async uploadFile(
    bytes: Uint8Array,
    mime: string,
    filename: string,
    signal?: AbortSignal,
  ): Promise<string> {
    const form = new FormData()
    form.append('content', new Blob([bytes], { type: mime }), filename)
    form.append('filename', filename)
    form.append('type', mime)
    const body = await this.call({
      method: 'POST',
      url: `${this.base}/v1/files`,
      body: form,
      signal,
      what: 'Replicate file upload',
    })
    const urls = (body as { urls?: { get?: unknown } } | null)?.urls
    if (typeof urls?.get !== 'string') {
      throw new ProviderError('replicate', 'provider_failed', 'Replicate file upload gave no URL')
    }
    return urls.get
  }

  async submit(request: PreparedRequest, signal?: AbortSignal): Promise<SubmitResult> {
    const wait = this.preferWait()
    request.sentAt ??= new Date(this.http.now()).toISOString()
    const body = await this.call({
      method: 'POST',
      url: `${this.base}/v1/predictions`,
      headers: { 'content-type': 'application/json', prefer: `wait=${wait}` },
      body: JSON.stringify(request.body),
      paid: true,
      signal,
      headersTimeoutMs: (this.opts.headersTimeoutMs ?? 30_000) + wait * 1000,
      what: 'Replicate create prediction',
    })
    const snap = snapshotFromPrediction(asPrediction(body))
    return { providerJobId: snap.providerJobId, snapshot: snap, cost: snap.cost }
  }

  async poll(providerJobId: string, context?: PollContext): Promise<JobSnapshot> {
    const body = await this.call({
      method: 'GET',
      url: `${this.base}/v1/predictions/${encodeURIComponent(providerJobId)}`,
      signal: context?.signal,
      what: 'Replicate get prediction',
    })
    return snapshotFromPrediction(asPrediction(body))
  }

  async cancel(providerJobId: string, signal?: AbortSignal): Promise<CancelResult> {
    const body = await this.call({
      method: 'POST',
      url: `${this.base}/v1/predictions/${encodeURIComponent(providerJobId)}/cancel`,
      signal,
      what: 'Replicate cancel prediction',
    })
    const status = (body as { status?: unknown } | null)?.status
    return status === 'canceled' || status === 'aborted'
      ? { confirmed: true, message: 'Replicate canceled the prediction' }
      : {
          confirmed: status !== 'succeeded' && status !== 'failed',
          message: `Replicate answered status ${String(status)}`,
        }
  }

  /**
   * Longest time after `sentAt` in which Replicate may have accepted the create: every attempt
   * the HTTP layer may make (a 429 refusal is retried after at most maxRetryAfterMs), each
   * waiting for its headers, and the token bucket's wait before sending.
   */
  private inFlightMs(): number {
    const { policy } = this.http
    const attempt = (this.opts.headersTimeoutMs ?? 30_000) + this.preferWait() * 1000
    const pause = Math.max(policy.maxRetryAfterMs, policy.maxDelayMs)
    return policy.maxAttempts * attempt + (policy.maxAttempts - 1) * pause + 60_000
  }

  private preferWait(): number {
    return Math.min(60, Math.max(1, this.opts.preferWaitSeconds ?? 5))
  }

  /**
   * Walks the prediction list (newest first) back past the window in which the request was in
   * flight, however many pages that is. Replicate removes an API prediction's input, output and
   * logs an hour after it was created, so a prediction is matched on what survives: the version,
   * `created_at` inside the window, `source`, and the input where it is still there. A prediction
   * in the window whose input is gone may be ours: it is adopted when it is the only one and its
   * output is still there; otherwise nobody can tell, and the user decides.
   */
  async reconcile(request: PreparedRequest, signal?: AbortSignal): Promise<Reconciled> {
    const sent = request.body.input
    if (typeof sent !== 'object' || sent === null || Array.isArray(sent)) {
      return { kind: 'unknown', reason: 'the stored request has no input to compare' }
    }
    const sentAt = request.sentAt === undefined ? NaN : Date.parse(request.sentAt)
    const from = Number.isNaN(sentAt) ? -Infinity : sentAt - CLOCK_SKEW_MS
    const to = Number.isNaN(sentAt) ? Infinity : sentAt + this.inFlightMs() + CLOCK_SKEW_MS
    const deadline = this.http.now() + (this.opts.reconcileBudgetMs ?? 5 * 60_000)
    const possible: Prediction[] = []
    let url: string | null = `${this.base}/v1/predictions`
    while (url !== null) {
      const body = await this.call({
        method: 'GET',
        url,
        signal,
        what: 'Replicate list predictions',
      })
      const b = (body ?? {}) as { next?: unknown; results?: unknown }
      const results = Array.isArray(b.results) ? (b.results as Prediction[]) : []
      let pastWindow = false
      for (const p of results) {
        const created = typeof p.created_at === 'string' ? Date.parse(p.created_at) : NaN
        if (created > to) continue
        if (created < from) {
          pastWindow = true
          continue
        }
        // Made on the website, or by another model: not this request.
        if (p.source === 'web') continue
        const version = typeof p.version === 'string' ? p.version : ''
        if (!version.endsWith(REPLICATE_VERSION)) continue
        if (hasInput(p)) {
          if (sameInput(sent, p.input)) return found(p.id)
          continue
        }
        possible.push(p)
      }
      if (pastWindow) break
      url =
        typeof b.next === 'string' && b.next !== '' ? new URL(b.next, this.base).toString() : null
      if (url !== null && this.http.now() > deadline) {
        return {
          kind: 'unknown',
          reason: 'the list of predictions was too long to read back to the time it was sent',
        }
      }
    }
    const only = possible.length === 1 ? possible[0] : undefined
    if (only !== undefined && only.data_removed !== true) return found(only.id)
    if (possible.length === 0) return ABSENT
    return {
      kind: 'unknown',
      reason:
        possible.length === 1
          ? 'Replicate made a prediction at that time but has deleted its details and output (it keeps them an hour)'
          : `Replicate made ${possible.length} predictions at that time whose details are deleted, so they cannot be told apart`,
    }
  }

  download(ref: OutputRef, signal?: AbortSignal): AsyncIterable<Uint8Array> {
    if (ref.kind !== 'url') {
      throw new ProviderError('replicate', 'invalid_input', `Replicate cannot download ${ref.kind}`)
    }
    // Delivery URLs are public and signed by their path: no token is sent with them.
    return this.http.download(
      () =>
        Promise.resolve({ method: 'GET', url: ref.url, signal, what: 'Replicate output download' }),
      signal,
    )
  }

  /** Replicate bills by GPU time: a rough typical duration for this take, not a price. */
  estimate(params: ResolvedMusicgenParams): Promise<Estimate> {
    const caps = MODEL_CAPABILITIES[params.model_version]
    const perSecond = caps.stereo ? 2.4 : 1.6
    const mbd = params.multi_band_diffusion ? 1.5 : 1
    return Promise.resolve({ typicalSeconds: Math.round(10 + params.duration * perSecond * mbd) })
  }
}

export function createReplicateClient(options: ReplicateClientOptions): ReplicateClient {
  return new ReplicateClient(options)
}
