// The one interface the job queue drives, whatever the provider. Every value that crosses it is
// plain JSON, so that the queue can store it in its row and pick it up again after a restart.
import { type Provider, type ResolvedMusicgenParams } from '../../../shared/musicgen'
import { type Log } from '../log'
import { type HttpClientOptions } from './http'

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue }
export type JsonObject = { [k: string]: JsonValue }

/** Input audio as the app has it: the bytes of an asset, cut locally if needed. */
export interface InputAudio {
  bytes: Uint8Array
  /** audio/wav, audio/mpeg, audio/flac... */
  mime: string
  filename: string
}

export interface SubmitJob {
  /**
   * Stable for the job (the generation id): Cog uses it as the prediction id, so that a resent
   * request is recognised instead of creating a second prediction.
   */
  clientId: string
  params: ResolvedMusicgenParams
  inputAudio?: InputAudio | null
  signal?: AbortSignal
}

/**
 * The exact request that costs money, built (and any input audio uploaded, which is free) before
 * it is sent. The queue stores it with the job in state `submitting`, then calls submit; after a
 * crash it calls reconcile with the same value before anything is resent.
 */
export interface PreparedRequest {
  provider: Provider
  clientId: string
  /** The JSON body sent to the provider's create call. */
  body: JsonObject
  /** ISO time just before the first send; set by submit, read by reconcile to bound its search. */
  sentAt?: string
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled'

/** Where the result lives; serialisable so it can be stored until downloaded. */
export type OutputRef =
  | { kind: 'url'; url: string }
  | { kind: 'scenario-asset'; assetId: string }
  | { kind: 'data-url'; dataUrl: string }

export interface JobCost {
  /** Scenario creative units. */
  creativeUnits?: number
  /** Seconds of compute the provider reports (Replicate metrics.predict_time). */
  predictSeconds?: number
}

export interface JobError {
  code: 'provider_failed' | 'output_expired' | 'canceled' | 'invalid_input'
  message: string
}

export interface JobSnapshot {
  providerJobId: string
  status: JobStatus
  /** The provider's own word (starting, warming-up, aborted...), for the logs tail and the UI. */
  providerStatus: string
  /** 0..1 when known. */
  progress: number | null
  /** The logs tail, when the provider gives logs. */
  logs: string | null
  /** From `Using seed N` in the logs, else the seed the provider echoes back. */
  seedUsed: number | null
  outputRef: OutputRef | null
  error: JobError | null
  cost: JobCost | null
  /** Provider timings as ISO strings, when given. */
  createdAt?: string
  startedAt?: string
  completedAt?: string
}

export interface SubmitResult {
  providerJobId: string
  /** The first state, when the create call returned one. */
  snapshot: JobSnapshot | null
  cost: JobCost | null
}

export interface CancelResult {
  /** The provider confirmed the cancel. False: it may still finish (and bill). */
  confirmed: boolean
  message: string
}

export interface Estimate {
  creativeUnits?: number
  /** Typical wall-clock seconds for such a take. */
  typicalSeconds?: number
}

/** What the provider says about a paid request whose answer was lost. */
export type Reconciled =
  | { kind: 'found'; providerJobId: string }
  /** It certainly did not arrive: sending it again cannot pay twice. */
  | { kind: 'absent' }
  /** It cannot be known: the user decides (sending again may bill twice). */
  | { kind: 'unknown'; reason: string }

export const ABSENT: Reconciled = Object.freeze({ kind: 'absent' })

export function found(providerJobId: string): Reconciled {
  return { kind: 'found', providerJobId }
}

export interface PollContext {
  /** The stored request: Cog needs it to ask for a prediction's state. */
  request?: PreparedRequest
  signal?: AbortSignal
}

export interface ProviderClient {
  readonly id: Provider
  /** Builds the paid request; uploads input audio (free) on the way. Sends nothing paid. */
  prepare(job: SubmitJob): Promise<PreparedRequest>
  /**
   * Sends the paid request once. A lost answer throws OutcomeUnknownError: reconcile before
   * trying again. Other failures throw ProviderError with a code.
   */
  submit(request: PreparedRequest, signal?: AbortSignal): Promise<SubmitResult>
  poll(providerJobId: string, context?: PollContext): Promise<JobSnapshot>
  cancel(providerJobId: string, signal?: AbortSignal): Promise<CancelResult>
  /** Whether a request sent earlier (its answer lost) created a provider job, and which. */
  reconcile(request: PreparedRequest, signal?: AbortSignal): Promise<Reconciled>
  /** Streams the output at once; resumes after a cut-off; fails with output_expired when gone. */
  download(ref: OutputRef, signal?: AbortSignal): AsyncIterable<Uint8Array>
  estimate(params: ResolvedMusicgenParams, signal?: AbortSignal): Promise<Estimate>
}

export interface ProviderClientOptions extends HttpClientOptions {
  baseUrl: string
  log?: Log
}

/** Fractions of work from the audiocraft token counter (`  123 /  1500`) in logs. */
export function progressFromCounter(
  counter: { done: number; total: number } | null,
): number | null {
  if (counter === null || counter.total <= 0) return null
  return Math.min(1, Math.max(0, counter.done / counter.total))
}

export function trimBase(url: string): string {
  return url.replace(/\/+$/, '')
}

/** base64 of bytes without pulling Buffer into the types of callers. */
export function dataUrl(mime: string, bytes: Uint8Array): string {
  return `data:${mime};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`
}

/** Decodes a `data:` URL (base64 or percent-encoded) into its bytes. */
export function decodeDataUrl(url: string): { mime: string; bytes: Uint8Array } | null {
  const m = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(url)
  if (m === null) return null
  const mime = m[1] === '' ? 'text/plain' : (m[1] ?? '')
  const isBase64 = (m[2] ?? '').split(';').includes('base64')
  const payload = m[3] ?? ''
  const buf = isBase64 ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload))
  return { mime, bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) }
}

/** Keeps the end of a log: the UI shows a tail and the queue stores it. */
export function logsTail(logs: string | null, max = 4000): string | null {
  if (logs === null) return null
  return logs.length <= max ? logs : logs.slice(logs.length - max)
}
