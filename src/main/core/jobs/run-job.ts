// One take's lifecycle, driven from what its row records, so that the same code starts a new take
// and resumes one after a restart or an offline spell:
//   no provider job, request maybe sent → reconcile first (never pay twice)
//   no provider job                     → prepare (free), record `submitting` + body, submit
//   a provider job                      → poll until it ends, then download and store at once
import type { GenerationCost, GenerationStatus, ProviderTimings } from '../../../shared/domain'
import {
  InvalidParamsError,
  type Provider,
  type ResolvedMusicgenParams,
  outputChannels,
  withDefaults,
} from '../../../shared/musicgen'
import { AppError } from '../app-error'
import type { CoreContext } from '../context'
import type { Sleep } from '../providers/http'
import type {
  JobCost,
  JobSnapshot,
  OutputRef,
  ProviderClient,
  SubmitResult,
} from '../providers/provider'
import { OutcomeUnknownError, ProviderError } from '../providers/provider-error'
import { descriptorOf } from '../providers/registry'
import type { AssetRecord } from '../store/assets'
import type { ClientFactory } from './clients'
import type { GenerationsTable, JobPatch, JobRecord } from '../store/generations'
import { readInputAudio } from './input-audio'
import { downloadOutput, takeName } from './output'
import { isRunnable } from './state-machine'

export interface RunEnv {
  ctx: CoreContext
  store: GenerationsTable
  clientFor: ClientFactory
  sleep: Sleep
  random: () => number
  pollIntervalMs: Readonly<Record<Provider, number>>
  /** Called with the new row after every status change. */
  emit: (record: JobRecord) => void
}

/** What the scheduler does next with the take. */
export type RunOutcome =
  | { kind: 'done' }
  /** Try again at this time (throttled). */
  | { kind: 'retry'; at: number }
  /** The provider cannot be reached: the take waits for the network. */
  | { kind: 'offline'; reason: string }

const DONE: RunOutcome = { kind: 'done' }
const ACTIVE: readonly GenerationStatus[] = ['queued', 'submitting', 'running', 'downloading']

/** A failure of the take that is not the provider's: unusable output, deleted input. */
export class JobFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'JobFailure'
  }
}

function move(
  env: RunEnv,
  id: string,
  from: readonly GenerationStatus[],
  to: GenerationStatus,
  patch: JobPatch = {},
): JobRecord | null {
  const moved = env.store.transition(id, from, to, patch)
  if (moved) env.emit(moved)
  return moved
}

function mergeCost(old: GenerationCost | null, next: JobCost | null): GenerationCost | null {
  if (next === null) return old
  return { ...old, ...next }
}

/** The params exactly as first sent: the stored canonical params with their resolved seed. */
export function resolvedParams(g: JobRecord): ResolvedMusicgenParams {
  const params = withDefaults(g.params)
  const seed = typeof params.seed === 'number' ? params.seed : g.seed
  if (seed === null) throw new JobFailure('invalid_input', 'The take has no seed')
  return { ...params, seed }
}

export async function runJob(env: RunEnv, id: string, signal: AbortSignal): Promise<RunOutcome> {
  try {
    return await drive(env, id, signal)
  } catch (error) {
    return settleFailure(env, id, error, signal)
  }
}

async function drive(env: RunEnv, id: string, signal: AbortSignal): Promise<RunOutcome> {
  const initial = env.store.find(id)
  if (!initial || !isRunnable(initial.status)) return DONE
  const client = env.clientFor(initial.provider)
  // A Cog prediction whose connection was lost is started again; a few rounds at most.
  for (let round = 0; round < 3; round++) {
    const g = env.store.get(id)
    let jobId = g.providerJobId
    let first: JobSnapshot | null = null
    if (jobId === null) {
      const got = await obtainJob(env, client, g, signal)
      if (got === null) return DONE
      jobId = got.providerJobId
      first = got.snapshot
    }
    const end = await pollToEnd(env, client, id, jobId, first, signal)
    if (end === 'lost') continue
    if (end === null) return DONE
    await storeResult(env, client, id, end.ref, end.snapshot, signal)
    return DONE
  }
  throw new ProviderError(initial.provider, 'provider_failed', 'The prediction was lost repeatedly')
}

/** A provider job for the take: one found by reconciliation, or a newly submitted one. */
async function obtainJob(
  env: RunEnv,
  client: ProviderClient,
  g: JobRecord,
  signal: AbortSignal,
): Promise<SubmitResult | null> {
  if (g.submitPending && g.request !== null) {
    const found = await client.reconcile(g.request, signal)
    if (found.kind === 'found') return adopt(env, client, g.id, found.providerJobId, null)
    if (found.kind === 'unknown') {
      askUser(env, g.id, g.provider, found.reason)
      return null
    }
    // The provider lists everything it accepted, and this is not there: it never arrived.
    env.ctx.log.info('paid request not found at the provider, sending it again', {
      generationId: g.id,
      provider: g.provider,
    })
    env.store.patch(g.id, { submitPending: false })
  }
  return submitFresh(env, client, g, signal)
}

function askUser(env: RunEnv, id: string, provider: Provider, reason: string): void {
  move(env, id, ACTIVE, 'needs_decision', {
    waitingReason:
      `The request may have reached ${descriptorOf(provider).inSentence} (its answer was lost), and it ` +
      `cannot be known whether it did: ${reason}. Retry to send it again (you may be billed ` +
      'twice), or delete the take.',
  })
}

/** Records the provider job on the row; a take canceled meanwhile gets its job canceled too. */
function adopt(
  env: RunEnv,
  client: ProviderClient,
  id: string,
  providerJobId: string,
  result: SubmitResult | null,
): SubmitResult | null {
  const current = env.store.find(id)
  const first = result?.snapshot ?? null
  const moved = move(env, id, ACTIVE, 'running', {
    ...(current && first && first.status !== 'succeeded' ? snapshotPatch(current, first) : {}),
    providerJobId,
    submitPending: false,
    waitingReason: null,
    cost: mergeCost(current?.cost ?? null, result?.cost ?? null) ?? undefined,
  })
  const ours = result ?? { providerJobId, snapshot: null, cost: null }
  if (moved) return ours
  env.store.patch(id, { providerJobId, submitPending: false })
  const status = current?.status
  if (status !== undefined && isRunnable(status)) return ours
  client.cancel(providerJobId).catch((e: unknown) => {
    env.ctx.log.warn('cancel at the provider failed', { generationId: id, error: String(e) })
  })
  return null
}

async function submitFresh(
  env: RunEnv,
  client: ProviderClient,
  g: JobRecord,
  signal: AbortSignal,
): Promise<SubmitResult | null> {
  const params = resolvedParams(g)
  let input: AssetRecord | undefined
  if (g.inputAssetId !== null) {
    input = env.ctx.assets.find(g.inputAssetId)
    if (!input) throw new JobFailure('invalid_input', 'The input audio of this take was deleted')
  }
  const form = descriptorOf(g.provider).inputAudio
  const inputAudio = input ? await readInputAudio(input, env.ctx.contentStore, form) : null
  // Free: builds the body and uploads the input audio. Nothing paid is sent yet.
  const request = await client.prepare({ clientId: g.id, params, inputAudio, signal })
  request.sentAt = new Date(env.ctx.clock()).toISOString()
  const sending = move(env, g.id, ACTIVE, 'submitting', {
    request,
    submitPending: true,
    providerJobId: null,
    attempts: g.attempts + 1,
    startedAt: g.startedAt ?? env.ctx.clock(),
    waitingReason: null,
    error: null,
  })
  if (!sending) return null
  // The mark must be on disk before anything paid leaves: after a power cut the job then
  // reconciles instead of sending again.
  await env.ctx.db.durable()
  if (signal.aborted) {
    env.store.patch(g.id, { submitPending: false })
    signal.throwIfAborted()
  }
  let result: SubmitResult
  try {
    result = await client.submit(request, signal)
  } catch (error) {
    if (!(error instanceof OutcomeUnknownError)) {
      // A definite answer (refused, invalid, not sent at all): nothing to reconcile.
      env.store.patch(g.id, { submitPending: false })
      throw error
    }
    if (signal.aborted) throw error
    // The provider may have accepted it: look before anything is sent again.
    const found = await client.reconcile(request, signal)
    if (found.kind === 'found') return adopt(env, client, g.id, found.providerJobId, null)
    if (found.kind === 'unknown') {
      askUser(env, g.id, g.provider, found.reason)
      return null
    }
    env.store.patch(g.id, { submitPending: false })
    throw new ProviderError(g.provider, 'network', `${error.message}; it did not arrive`, {
      retryable: true,
      cause: error,
    })
  }
  return adopt(env, client, g.id, result.providerJobId, result)
}

type PollEnd = { ref: OutputRef; snapshot: JobSnapshot } | null | 'lost'

async function pollToEnd(
  env: RunEnv,
  client: ProviderClient,
  id: string,
  providerJobId: string,
  first: JobSnapshot | null,
  signal: AbortSignal,
): Promise<PollEnd> {
  let snap = first
  for (;;) {
    if (snap === null) {
      const request = env.store.get(id).request ?? undefined
      try {
        snap = await client.poll(providerJobId, { request, signal })
      } catch (error) {
        if (!(error instanceof OutcomeUnknownError) || signal.aborted) throw error
        // Cog: the connection that would bring the result is gone (an app restart).
        env.store.patch(id, { providerJobId: null, submitPending: true })
        return 'lost'
      }
    }
    // A usable result is recorded together with the move to downloading (one write less).
    if (snap.status === 'succeeded' && snap.error === null && snap.outputRef !== null) {
      return { ref: snap.outputRef, snapshot: snap }
    }
    const g = record(env, id, snap)
    if (g === null) return null
    switch (snap.status) {
      case 'succeeded':
        fail(env, id, snap.error ?? { code: 'provider_failed', message: 'No output' })
        return null
      case 'failed':
        fail(env, id, snap.error ?? { code: 'provider_failed', message: 'The prediction failed' })
        return null
      case 'canceled':
        move(env, id, ACTIVE, 'canceled', {
          completedAt: env.ctx.clock(),
          error: snap.error ?? { code: 'canceled', message: 'The provider canceled the take' },
        })
        return null
      case 'queued':
      case 'running':
        await env.sleep(env.pollIntervalMs[g.provider], signal)
        snap = null
        break
    }
  }
}

/** What a snapshot changes on the row (progress, logs, seed, cost); empty when nothing. */
function snapshotPatch(g: JobRecord, snap: JobSnapshot): JobPatch {
  const patch: JobPatch = {}
  const progress = snap.progress === null ? g.progress : Math.max(g.progress, snap.progress)
  if (progress !== g.progress) patch.progress = progress
  if (snap.logs !== null && snap.logs !== g.logsTail) patch.logsTail = snap.logs
  // The seed the predictor printed is the one that reproduces the take.
  if (snap.seedUsed !== null && snap.seedUsed !== g.seed) patch.seed = snap.seedUsed
  const cost = mergeCost(g.cost, snap.cost)
  if (JSON.stringify(cost) !== JSON.stringify(g.cost)) patch.cost = cost
  if (g.providerJobId !== snap.providerJobId) patch.providerJobId = snap.providerJobId
  const timings = mergeTimings(g.providerTimings, snap)
  if (timings !== g.providerTimings) patch.providerTimings = timings
  return patch
}

/** The provider's own start and end times; the same object when the snapshot adds nothing. */
function mergeTimings(old: ProviderTimings | null, snap: JobSnapshot): ProviderTimings | null {
  const startedAt = snap.startedAt ?? old?.startedAt
  const completedAt = snap.completedAt ?? old?.completedAt
  if (startedAt === old?.startedAt && completedAt === old?.completedAt) return old
  return {
    ...(startedAt === undefined ? {} : { startedAt }),
    ...(completedAt === undefined ? {} : { completedAt }),
  }
}

/** Writes what a snapshot tells when it changes anything; null when the take is not ours. */
function record(env: RunEnv, id: string, snap: JobSnapshot): JobRecord | null {
  const g = env.store.find(id)
  if (!g || !isRunnable(g.status)) return null
  const to: GenerationStatus = g.status === 'downloading' ? 'downloading' : 'running'
  const patch = snapshotPatch(g, snap)
  if (to === g.status && Object.keys(patch).length === 0) return g
  return move(env, id, ACTIVE, to, patch)
}

function fail(env: RunEnv, id: string, error: { code: string; message: string }): void {
  move(env, id, ACTIVE, 'failed', {
    error,
    completedAt: env.ctx.clock(),
    submitPending: false,
    waitingReason: null,
  })
  env.ctx.log.warn('generation failed', { generationId: id, code: error.code })
}

async function storeResult(
  env: RunEnv,
  client: ProviderClient,
  id: string,
  ref: OutputRef,
  snap: JobSnapshot,
  signal: AbortSignal,
): Promise<void> {
  const { ctx } = env
  const before = env.store.find(id)
  if (!before) return
  if (!move(env, id, ACTIVE, 'downloading', { ...snapshotPatch(before, snap), progress: 1 })) {
    return
  }
  const decoded = await downloadOutput(client, ref, ctx.dataDir, id, ctx.contentStore, signal)
  const g = env.store.get(id)
  const params = resolvedParams(g)
  const expected = outputChannels(params.model_version)
  if (decoded.channels !== expected) {
    throw new JobFailure(
      'provider_failed',
      `The output has ${decoded.channels} channel(s), but ${params.model_version} makes ` +
        `${expected}: the take was not kept`,
    )
  }
  const seed = snap.seedUsed ?? g.seed ?? params.seed
  const done = ctx.db.transaction(() => {
    if (env.store.find(id)?.status !== 'downloading') return null
    // Identical audio is stored once per project (a re-download after a crash, say).
    let asset = ctx.assets.findBySha(g.projectId, decoded.blob.sha256)
    if (!asset) {
      asset = {
        id: ctx.newId(),
        projectId: g.projectId,
        name: takeName(params, seed, decoded.blob.ext),
        format: decoded.format,
        sampleRate: decoded.sampleRate,
        channels: decoded.channels,
        frames: decoded.frames,
        byteSize: decoded.blob.size,
        origin: 'generation',
        createdAt: ctx.clock(),
        sha256: decoded.blob.sha256,
        ext: decoded.blob.ext,
      }
      ctx.assets.insert(asset, decoded.peaks)
    }
    return env.store.transition(id, ['downloading'], 'succeeded', {
      outputAssetId: asset.id,
      seed,
      progress: 1,
      cost: mergeCost(g.cost, snap.cost) ?? undefined,
      providerTimings: mergeTimings(g.providerTimings, snap),
      completedAt: ctx.clock(),
      waitingReason: null,
      error: null,
    })
  }, 'group')
  if (!done) return
  env.emit(done)
  ctx.log.info('generation succeeded', {
    generationId: id,
    provider: done.provider,
    assetId: done.outputAssetId,
    frames: decoded.frames,
    providerStarted: snap.startedAt ?? null,
    providerCompleted: snap.completedAt ?? null,
  })
}

/** Turns a failure into the take's next state: wait for the network, retry later, or failed. */
function settleFailure(env: RunEnv, id: string, error: unknown, signal: AbortSignal): RunOutcome {
  // Canceled (the row says so already) or the app is closing (the row stays resumable).
  if (signal.aborted) return DONE
  const g = env.store.find(id)
  if (!g || !isRunnable(g.status)) return DONE
  const now = env.ctx.clock()
  if (error instanceof ProviderError) {
    switch (error.code) {
      case 'network':
      case 'outcome_unknown': {
        // The technical cause: the take's words ("Replicate can't be reached") are the UI's.
        const reason = error.message
        move(env, id, ACTIVE, 'waiting_network', { waitingReason: reason })
        return { kind: 'offline', reason }
      }
      case 'rate_limited': {
        const wait = error.retryAfterMs ?? Math.round(15_000 + 15_000 * env.random())
        const reason = `${descriptorOf(g.provider).inSentence} is busy or throttling (${error.message}): trying again in ${Math.ceil(wait / 1000)} s`
        if (g.status === 'queued' || g.status === 'submitting') {
          move(env, id, ['queued', 'submitting'], 'queued', { waitingReason: reason })
        } else {
          move(env, id, [g.status], g.status, { waitingReason: reason })
        }
        return { kind: 'retry', at: now + wait }
      }
      case 'auth':
      case 'billing':
      case 'invalid_input':
      case 'provider_failed':
      case 'output_expired':
      case 'canceled':
        fail(env, id, { code: error.code, message: error.message })
        return DONE
    }
  }
  if (error instanceof JobFailure) {
    fail(env, id, { code: error.code, message: error.message })
    return DONE
  }
  if (error instanceof InvalidParamsError) {
    fail(env, id, { code: 'invalid_input', message: error.message })
    return DONE
  }
  if (error instanceof AppError) {
    // The output did not decode as audio (the import pipeline's message names the problem).
    fail(env, id, {
      code: 'provider_failed',
      message: `The output is not usable: ${error.message}`,
    })
    return DONE
  }
  env.ctx.log.error('generation crashed', { generationId: id, error: String(error) })
  fail(env, id, { code: 'internal', message: error instanceof Error ? error.message : 'failed' })
  return DONE
}
