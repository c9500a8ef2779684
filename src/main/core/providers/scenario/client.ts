// Scenario's model_meta-musicgen (providers.md §3): Basic auth, camelCase body, jobs polled by id,
// input audio uploaded as an asset, results fetched through a fresh signed URL.
import {
  type ResolvedMusicgenParams,
  parseSeedFromLogs,
  toScenarioInput,
} from '../../../../shared/musicgen'
import { type AuthHeaders, AuthedClient } from '../authed-client'
import { type HttpRequest } from '../http'
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
} from '../provider'
import { ProviderError } from '../provider-error'

export const SCENARIO_DEFAULT_URL = 'https://api.cloud.scenario.com'
export const SCENARIO_MODEL_PATH = '/v1/generate/custom/model_meta-musicgen'

export interface ScenarioCredentials {
  apiKey: string
  apiSecret: string
}

export interface ScenarioClientOptions extends ProviderClientOptions {
  getCredentials: () => Promise<ScenarioCredentials | null>
  /** Polls of an upload before giving up, and the pause between them. */
  uploadPollLimit?: number
  uploadPollMs?: number
}

const STATUS: Record<string, JobStatus> = {
  pending: 'queued',
  queued: 'queued',
  'warming-up': 'queued',
  'in-progress': 'running',
  finalizing: 'running',
  success: 'succeeded',
  // The docs say `failure`; some prose says `failed`: accept both.
  failure: 'failed',
  failed: 'failed',
  canceled: 'canceled',
  cancelled: 'canceled',
}

// Scenario takes audio/wav, audio/mpeg, audio/ogg, audio/m4a.
function scenarioMime(mime: string): string {
  if (mime === 'audio/x-wav' || mime === 'audio/wave') return 'audio/wav'
  if (mime === 'audio/mp3') return 'audio/mpeg'
  return mime
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : {}
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

export function snapshotFromJob(body: unknown): JobSnapshot {
  const job = obj(obj(body).job)
  const id = job.jobId
  const raw = job.status
  if (typeof id !== 'string' || typeof raw !== 'string') {
    throw new ProviderError('scenario', 'provider_failed', 'Scenario answered without a job')
  }
  const status = STATUS[raw] ?? 'running'
  const meta = obj(job.metadata)
  const assetIds = Array.isArray(meta.assetIds) ? meta.assetIds : []
  const assetId = typeof assetIds[0] === 'string' ? assetIds[0] : null
  const cu = num(obj(job.billing).cuCost) ?? num(job.creativeUnitsCost)
  const cost: JobCost | null = cu === undefined ? null : { creativeUnits: cu }
  const logs = typeof meta.logs === 'string' ? meta.logs : null
  const input = obj(meta.input)
  let error: JobSnapshot['error'] = null
  if (status === 'failed') {
    const parts = [meta.error, meta.hint].filter(
      (x): x is string => typeof x === 'string' && x !== '',
    )
    error = {
      code: 'provider_failed',
      message: parts.length > 0 ? parts.join(' — ') : 'The Scenario job failed',
    }
  } else if (status === 'succeeded' && assetId === null) {
    error = { code: 'provider_failed', message: 'The Scenario job succeeded without an asset' }
  }
  const p = num(job.progress)
  const snap: JobSnapshot = {
    providerJobId: id,
    status,
    providerStatus: raw,
    progress: status === 'succeeded' ? 1 : p === undefined ? null : Math.min(1, Math.max(0, p)),
    logs,
    seedUsed: parseSeedFromLogs(logs) ?? num(input.seed) ?? null,
    outputRef: assetId === null ? null : { kind: 'scenario-asset', assetId },
    error,
    cost,
  }
  if (typeof job.createdAt === 'string') snap.createdAt = job.createdAt
  return snap
}

export class ScenarioClient extends AuthedClient<ScenarioClientOptions> implements ProviderClient {
  readonly id = 'scenario' as const

  constructor(options: ScenarioClientOptions) {
    super('scenario', options)
  }

  protected async auth(): Promise<AuthHeaders> {
    const c = await this.opts.getCredentials()
    if (c === null || c.apiKey === '' || c.apiSecret === '') {
      throw new ProviderError('scenario', 'auth', 'No Scenario API key and secret are set')
    }
    const basic = Buffer.from(`${c.apiKey}:${c.apiSecret}`).toString('base64')
    return {
      headers: { authorization: `Basic ${basic}` },
      secrets: [basic, c.apiSecret, c.apiKey],
    }
  }

  private postJson(
    path: string,
    body: unknown,
    extra: Partial<HttpRequest> = {},
  ): Promise<unknown> {
    return this.call({
      method: 'POST',
      url: `${this.base}${path}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...extra,
    })
  }

  async prepare(job: SubmitJob): Promise<PreparedRequest> {
    const audio = job.inputAudio ?? null
    // Validate before the upload so a bad take costs nothing at all.
    if (audio !== null) toScenarioInput(job.params, 'pending-upload')
    else toScenarioInput(job.params)
    const assetId =
      audio === null
        ? undefined
        : await this.uploadAudio(audio.bytes, audio.mime, audio.filename, job.signal)
    const body = toScenarioInput(job.params, assetId)
    return { provider: 'scenario', clientId: job.clientId, body: body as unknown as JsonObject }
  }

  /** The /v1/uploads flow: create, PUT the part, complete, poll until imported → asset id. */
  async uploadAudio(
    bytes: Uint8Array,
    mime: string,
    fileName: string,
    signal?: AbortSignal,
  ): Promise<string> {
    const contentType = scenarioMime(mime)
    const created = obj(
      obj(
        await this.postJson(
          '/v1/uploads',
          { fileName, contentType, kind: 'audio', fileSize: bytes.byteLength, parts: 1 },
          { signal, what: 'Scenario create upload' },
        ),
      ).upload,
    )
    const uploadId = created.id
    const parts = Array.isArray(created.parts) ? created.parts.map(obj) : []
    const partUrl = parts[0]?.url
    if (typeof uploadId !== 'string' || typeof partUrl !== 'string') {
      throw new ProviderError('scenario', 'provider_failed', 'Scenario upload gave no part URL')
    }
    // The part URL is presigned: no credentials go with it.
    const put = await this.http.json({
      method: 'PUT',
      url: partUrl,
      headers: { 'content-type': contentType },
      body: bytes,
      signal,
      what: 'Scenario upload part',
    })
    const etag = put.headers.get('etag')
    await this.postJson(
      `/v1/uploads/${encodeURIComponent(uploadId)}/action`,
      {
        action: 'complete',
        ...(etag === null ? {} : { parts: [{ partNumber: 1, etag }] }),
      },
      { signal, what: 'Scenario complete upload' },
    )
    const limit = this.opts.uploadPollLimit ?? 60
    for (let i = 0; i < limit; i++) {
      const up = obj(
        obj(
          await this.call({
            method: 'GET',
            url: `${this.base}/v1/uploads/${encodeURIComponent(uploadId)}`,
            signal,
            what: 'Scenario get upload',
          }),
        ).upload,
      )
      if (up.status === 'imported' && typeof up.entityId === 'string') return up.entityId
      if (up.status === 'failed') {
        const msg = typeof up.errorMessage === 'string' ? up.errorMessage : 'import failed'
        throw new ProviderError('scenario', 'invalid_input', `Scenario rejected the audio: ${msg}`)
      }
      await this.http.sleep(this.opts.uploadPollMs ?? 1000, signal)
    }
    throw new ProviderError(
      'scenario',
      'provider_failed',
      'Scenario did not import the audio in time',
    )
  }

  async submit(request: PreparedRequest, signal?: AbortSignal): Promise<SubmitResult> {
    request.sentAt ??= new Date(this.http.now()).toISOString()
    const body = await this.postJson(SCENARIO_MODEL_PATH, request.body, {
      paid: true,
      signal,
      what: 'Scenario generate',
    })
    const snap = snapshotFromJob(body)
    const cu = num(obj(body).creativeUnitsCost)
    const cost = cu === undefined ? snap.cost : { creativeUnits: cu }
    return { providerJobId: snap.providerJobId, snapshot: { ...snap, cost }, cost }
  }

  async poll(providerJobId: string, context?: PollContext): Promise<JobSnapshot> {
    return snapshotFromJob(
      await this.call({
        method: 'GET',
        url: `${this.base}/v1/jobs/${encodeURIComponent(providerJobId)}`,
        signal: context?.signal,
        what: 'Scenario get job',
      }),
    )
  }

  /** Documented for inference jobs only: a MusicGen job may refuse, so this is best effort. */
  async cancel(providerJobId: string, signal?: AbortSignal): Promise<CancelResult> {
    try {
      await this.postJson(
        `/v1/jobs/${encodeURIComponent(providerJobId)}/action`,
        { action: 'cancel' },
        { signal, what: 'Scenario cancel job' },
      )
      return { confirmed: true, message: 'Scenario canceled the job' }
    } catch (e) {
      if (e instanceof ProviderError && (e.code === 'invalid_input' || e.status === 404)) {
        return {
          confirmed: false,
          message: `Scenario did not cancel the job (${e.message}); it may still finish and be billed`,
        }
      }
      throw e
    }
  }

  /**
   * Scenario has no client-chosen id and no documented listing of jobs by input, so a request
   * whose answer was lost cannot be matched: null means "unknown", and the queue must ask the
   * user rather than resend (it may have been accepted and billed).
   */
  reconcile(): Promise<Reconciled> {
    return Promise.resolve({
      kind: 'unknown',
      reason: 'Scenario cannot be asked whether a request arrived',
    })
  }

  download(ref: OutputRef, signal?: AbortSignal): AsyncIterable<Uint8Array> {
    if (ref.kind !== 'scenario-asset') {
      throw new ProviderError('scenario', 'invalid_input', `Scenario cannot download ${ref.kind}`)
    }
    // A fresh signed URL before every attempt: an old one may have expired.
    return this.http.download(async () => {
      const asset = obj(
        obj(
          await this.call({
            method: 'GET',
            url: `${this.base}/v1/assets/${encodeURIComponent(ref.assetId)}`,
            signal,
            what: 'Scenario get asset',
            statusCodes: { 404: 'output_expired' },
          }),
        ).asset,
      )
      if (typeof asset.url !== 'string') {
        throw new ProviderError('scenario', 'output_expired', 'Scenario asset has no URL')
      }
      return { method: 'GET', url: asset.url, signal, what: 'Scenario asset download' }
    }, signal)
  }

  /** `?dryRun=true`: the cost in creative units, without running anything. */
  async estimate(params: ResolvedMusicgenParams, signal?: AbortSignal): Promise<Estimate> {
    // Validates like a real send; the input audio is left out since nothing is uploaded yet.
    const input = toScenarioInput(params, params.input_audio === null ? undefined : 'unused')
    delete input.inputAudio
    const body = await this.postJson(`${SCENARIO_MODEL_PATH}?dryRun=true`, input, {
      signal,
      what: 'Scenario cost preview',
    })
    const b = obj(body)
    const cu = num(b.creativeUnitsCost) ?? num(obj(obj(b.job).billing).cuCost)
    return cu === undefined ? {} : { creativeUnits: cu }
  }
}

export function createScenarioClient(options: ScenarioClientOptions): ScenarioClient {
  return new ScenarioClient(options)
}
