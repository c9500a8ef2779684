// The persistent job queue: rows of the generations table are the queue, so a restart resumes
// every take from what its row records. This module only schedules: which take runs now (order of
// creation, per-provider concurrency, throttling delays, offline providers), cancel, retry and
// delete. One take's lifecycle is in run-job.ts.
import { rmSync } from 'node:fs'
import type { Generation, ProviderReachability } from '../../../shared/domain'
import { PROVIDERS, type Provider } from '../../../shared/musicgen'
import { AppError } from '../app-error'
import type { CoreContext } from '../context'
import type { ProviderLimits } from '../providers/descriptor'
import type { FetchLike, Sleep } from '../providers/http'
import { descriptorOf } from '../providers/registry'
import type { ClientFactory } from './clients'
import {
  type GenerationsTable,
  type JobRecord,
  type NewGeneration,
  publicGeneration,
} from '../store/generations'
import { NetworkMonitor, type Probe, httpProbe } from './network'
import { downloadDir } from './output'
import { ConcurrencySlots, DEFAULT_LIMITS } from './rate-limit'
import { type RunEnv, type RunOutcome, runJob } from './run-job'
import { isInFlight, isRetryable, isTerminal } from './state-machine'

export const DEFAULT_POLL_INTERVAL_MS: Readonly<Record<Provider, number>> = Object.fromEntries(
  PROVIDERS.map((p) => [p, descriptorOf(p).pollIntervalMs]),
) as Record<Provider, number>

export interface JobQueueOptions {
  ctx: CoreContext
  clientFor: ClientFactory
  sleep: Sleep
  random: () => number
  /** For the reachability probe (no credentials are sent). */
  fetch: FetchLike
  /** Where the probe knocks for a provider. */
  probeUrl: (provider: Provider) => string
  probe?: Probe
  limits?: Readonly<Record<Provider, ProviderLimits>>
  pollIntervalMs?: Partial<Record<Provider, number>>
}

interface Pending {
  provider: Provider
  /** Not before this time (throttled). */
  notBefore: number
}

export class JobQueue {
  readonly store: GenerationsTable
  readonly clientFor: ClientFactory
  /** Chooses seeds (injected so tests know them). */
  readonly random: () => number
  private readonly ctx: CoreContext
  private readonly env: RunEnv
  private readonly slots: ConcurrencySlots
  private readonly network: NetworkMonitor
  private readonly stopper = new AbortController()
  /** Takes to run, in order of arrival (a Map keeps insertion order). */
  private readonly pending = new Map<string, Pending>()
  private readonly active = new Map<string, AbortController>()
  /** Retried while their previous run was still winding down: keep them pending. */
  private readonly requeued = new Set<string>()
  private readonly running = new Set<Promise<void>>()
  private wakeAt: number | null = null
  private started = false
  /**
   * Runs when a take succeeded, before the takes continuing it are released (chains place the
   * result and cut the next context here). Must be idempotent: it also runs again after a restart.
   */
  onSucceeded: ((record: JobRecord) => Promise<void>) | null = null

  constructor(private readonly opts: JobQueueOptions) {
    this.ctx = opts.ctx
    this.clientFor = opts.clientFor
    this.random = opts.random
    this.store = opts.ctx.generations
    this.slots = new ConcurrencySlots(opts.limits ?? DEFAULT_LIMITS)
    this.env = {
      ctx: opts.ctx,
      store: this.store,
      clientFor: opts.clientFor,
      sleep: opts.sleep,
      random: opts.random,
      pollIntervalMs: { ...DEFAULT_POLL_INTERVAL_MS, ...opts.pollIntervalMs },
      emit: (record) => this.emit(record),
    }
    this.network = new NetworkMonitor({
      probe: opts.probe ?? httpProbe(opts.fetch, opts.probeUrl),
      sleep: opts.sleep,
      random: opts.random,
      onOnline: (provider) => this.online(provider),
      log: opts.ctx.log,
      signal: this.stopper.signal,
    })
  }

  /** Picks up every unfinished take of earlier runs (nothing is in flight yet). */
  start(): void {
    if (this.started) return
    this.started = true
    // Partial downloads of an earlier run: their takes download again from the provider.
    rmSync(downloadDir(this.ctx.dataDir), { recursive: true, force: true })
    const unfinished = this.store.listByStatus(['queued', 'submitting', 'running', 'downloading'])
    for (const g of unfinished) this.pending.set(g.id, { provider: g.provider, notBefore: 0 })
    for (const g of this.store.listByStatus(['waiting_network'])) {
      this.network.markOffline(g.provider, g.waitingReason ?? 'The provider could not be reached')
    }
    const parentsDone = new Set<string>()
    for (const g of this.store.listByStatus(['waiting_parent'])) {
      const parent =
        g.parentGenerationId === null ? undefined : this.store.find(g.parentGenerationId)
      if (parent?.status === 'succeeded') parentsDone.add(parent.id)
      else this.checkParent(g)
    }
    for (const id of parentsDone) this.afterEnd(id)
    if (unfinished.length > 0) {
      this.ctx.log.info('resuming takes', { count: unfinished.length })
    }
    this.pump()
  }

  /** Aborts what is in flight and leaves every row resumable for the next start. */
  stop(): void {
    this.stopper.abort(new Error('the app is closing'))
    for (const ctrl of this.active.values()) ctrl.abort(new Error('the app is closing'))
  }

  /** Resolves when every run has wound down after stop() (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running])
  }

  /** Runs the success hook of a finished take again and releases the takes waiting for it. */
  releaseChildrenOf(id: string): void {
    this.afterEnd(id)
  }

  /** Whether each provider answers now; a provider the queue waits for counts as unreachable. */
  async reachability(): Promise<ProviderReachability[]> {
    return Promise.all(
      PROVIDERS.map(async (provider): Promise<ProviderReachability> => {
        // While the queue knows it is down, the answer is the queue's: the chips and the takes
        // agree (the queue's own probe says when it is back).
        if (this.network.isOffline(provider)) return this.knownReachability(provider)
        const signal = AbortSignal.any([this.stopper.signal, AbortSignal.timeout(5000)])
        const reachable = await this.network.check(provider, signal).catch(() => false)
        return {
          provider,
          reachable,
          reason: reachable ? null : 'No answer from its address',
          waitingTakes: this.waitingTakes(provider),
          checkedAt: this.ctx.clock(),
        }
      }),
    )
  }

  /** What the queue knows of a provider without asking it. */
  private knownReachability(provider: Provider): ProviderReachability {
    const reason = this.network.reason(provider)
    return {
      provider,
      reachable: reason === null,
      reason,
      waitingTakes: this.waitingTakes(provider),
      checkedAt: this.ctx.clock(),
    }
  }

  private waitingTakes(provider: Provider): number {
    return this.store.listByStatus(['waiting_network']).filter((g) => g.provider === provider)
      .length
  }

  /** Tells the UI at once, so that the header and the chips agree with the takes. */
  private announce(provider: Provider): void {
    this.ctx.events.emit('providers.changed', this.knownReachability(provider))
  }

  /** Inserts new takes (one transaction) and schedules them. */
  add(takes: readonly NewGeneration[]): Generation[] {
    const rows = this.ctx.db.transaction(() =>
      takes.map((t) => {
        this.store.insert(t)
        return this.store.get(t.id)
      }),
    )
    for (const g of rows) {
      this.emit(g)
      if (g.status === 'queued') this.pending.set(g.id, { provider: g.provider, notBefore: 0 })
    }
    this.pump()
    return rows.map(publicGeneration)
  }

  cancel(id: string): Generation {
    const g = this.store.get(id)
    if (g.status === 'canceled') return publicGeneration(g)
    if (g.status === 'succeeded' || g.status === 'failed') {
      throw new AppError('conflict', `The take already ${g.status}: there is nothing to cancel`)
    }
    const canceled = this.store.transition(id, [g.status], 'canceled', {
      completedAt: this.ctx.clock(),
      waitingReason: null,
    })
    if (!canceled) throw new AppError('conflict', 'The take changed meanwhile: try again')
    this.pending.delete(id)
    this.active.get(id)?.abort(new Error('canceled'))
    this.emit(canceled)
    this.cancelAtProvider(canceled)
    return publicGeneration(canceled)
  }

  retry(id: string): Generation {
    const g = this.store.get(id)
    if (!isRetryable(g.status)) {
      throw new AppError(
        'conflict',
        `Only a failed, canceled or undecided take can be retried; this one is ${g.status}`,
      )
    }
    // needs_decision: the user accepts that the provider may bill the lost request too.
    const queued = this.store.transition(id, [g.status], 'queued', {
      error: null,
      waitingReason: null,
      progress: 0,
      providerJobId: null,
      submitPending: false,
      logsTail: null,
      completedAt: null,
    })
    if (!queued) throw new AppError('conflict', 'The take changed meanwhile: try again')
    this.emit(queued)
    if (this.active.has(id)) this.requeued.add(id)
    this.pending.set(id, { provider: g.provider, notBefore: 0 })
    this.pump()
    return publicGeneration(queued)
  }

  /** Removes a take that is not in flight; its audio goes too unless something else uses it. */
  remove(id: string): void {
    const g = this.store.get(id)
    if (isInFlight(g.status) || this.active.has(id)) {
      throw new AppError('conflict', 'The take is still being generated: cancel it first')
    }
    const assetRemoved = this.ctx.db.transaction(() => {
      this.store.delete(id)
      return g.outputAssetId !== null && this.store.deleteUnusedOutput(g.outputAssetId)
    })
    this.pending.delete(id)
    if (assetRemoved) this.ctx.events.emit('projects.changed', { projectId: g.projectId })
  }

  private emit(record: JobRecord): void {
    this.ctx.events.emit('generation.updated', publicGeneration(record))
  }

  /** Starts what may start now. Cheap: walks the in-memory list, touches rows only to park. */
  private pump(): void {
    if (!this.started || this.stopper.signal.aborted) return
    const now = this.ctx.clock()
    let wake = Infinity
    for (const [id, p] of this.pending) {
      if (this.active.has(id)) continue
      if (this.network.isOffline(p.provider)) {
        this.park(id, p.provider)
        continue
      }
      if (p.notBefore > now) {
        wake = Math.min(wake, p.notBefore)
        continue
      }
      if (!this.slots.acquire(p.provider)) continue
      this.launch(id, p.provider)
    }
    if (wake !== Infinity) this.wakeUpAt(wake)
  }

  private launch(id: string, provider: Provider): void {
    const ctrl = new AbortController()
    this.active.set(id, ctrl)
    const signal = AbortSignal.any([ctrl.signal, this.stopper.signal])
    const run = runJob(this.env, id, signal)
      .catch((e: unknown): RunOutcome => {
        if (!signal.aborted) this.ctx.log.error('job runner failed', { error: String(e) })
        return { kind: 'done' }
      })
      .then((outcome) => this.settle(id, provider, outcome))
    this.running.add(run)
    void run.finally(() => this.running.delete(run))
  }

  private settle(id: string, provider: Provider, outcome: RunOutcome): void {
    this.active.delete(id)
    this.slots.release(provider)
    if (this.stopper.signal.aborted) return
    if (this.requeued.delete(id)) {
      this.pump()
      return
    }
    switch (outcome.kind) {
      case 'done':
        this.pending.delete(id)
        this.afterEnd(id)
        break
      case 'retry':
        this.pending.set(id, { provider, notBefore: outcome.at })
        break
      case 'offline':
        this.pending.delete(id)
        this.network.markOffline(provider, outcome.reason)
        break
    }
    this.pump()
    if (outcome.kind === 'offline') this.announce(provider)
  }

  /** The take waits for its provider to be reachable again. */
  private park(id: string, provider: Provider): void {
    this.pending.delete(id)
    const reason = `Waiting for the network: ${this.network.reason(provider) ?? 'offline'}`
    const moved = this.store.transition(
      id,
      ['queued', 'submitting', 'running', 'downloading'],
      'waiting_network',
      { waitingReason: reason },
    )
    if (moved) this.emit(moved)
  }

  private online(provider: Provider): void {
    if (this.stopper.signal.aborted) return
    for (const g of this.store.listByStatus(['waiting_network'])) {
      if (g.provider !== provider) continue
      const moved = this.store.transition(g.id, ['waiting_network'], 'queued', {
        waitingReason: null,
      })
      if (!moved) continue
      this.emit(moved)
      this.pending.set(g.id, { provider, notBefore: 0 })
    }
    this.pump()
    this.announce(provider)
  }

  private wakeUpAt(at: number): void {
    if (this.wakeAt !== null && this.wakeAt <= at) return
    this.wakeAt = at
    this.opts.sleep(Math.max(0, at - this.ctx.clock()), this.stopper.signal).then(
      () => {
        if (this.wakeAt === at) this.wakeAt = null
        this.pump()
      },
      () => undefined,
    )
  }

  /** A take that ended may release takes continuing it (chains), after the success hook ran. */
  private afterEnd(id: string): void {
    const g = this.store.find(id)
    if (!g || !isTerminal(g.status)) return
    const hook = g.status === 'succeeded' && this.onSucceeded ? this.onSucceeded(g) : null
    const release = () => {
      if (this.stopper.signal.aborted) return
      for (const child of this.store.listByStatus(['waiting_parent'])) {
        if (child.parentGenerationId === id) this.checkParent(child)
      }
      this.pump()
    }
    if (!hook) return release()
    hook.then(release, (e: unknown) => {
      this.ctx.log.error('placing a finished take failed', {
        generationId: id,
        error: e instanceof Error ? e.message : String(e),
      })
      release()
    })
  }

  private checkParent(child: JobRecord): void {
    const parent =
      child.parentGenerationId === null ? undefined : this.store.find(child.parentGenerationId)
    let moved: JobRecord | null = null
    if (parent === undefined || parent.status === 'succeeded') {
      moved = this.store.transition(child.id, ['waiting_parent'], 'queued', {
        waitingReason: null,
      })
      if (moved) this.pending.set(child.id, { provider: child.provider, notBefore: 0 })
    } else if (parent.status === 'failed' || parent.status === 'canceled') {
      const waitingReason = `The take it continues ${parent.status}: retry that take, or delete this one`
      if (child.waitingReason !== waitingReason) {
        moved = this.store.transition(child.id, ['waiting_parent'], 'waiting_parent', {
          waitingReason,
        })
      }
    }
    if (moved) this.emit(moved)
  }

  /** Best effort: the provider may refuse or be unreachable; the take is canceled locally anyway. */
  private cancelAtProvider(g: JobRecord): void {
    const client = this.clientFor(g.provider)
    const work = async (): Promise<void> => {
      let jobId = g.providerJobId
      const lookup = descriptorOf(g.provider).lostSubmission !== 'cannot-ask'
      if (jobId === null && g.submitPending && g.request !== null && lookup) {
        const found = await client.reconcile(g.request)
        if (found.kind === 'found') jobId = found.providerJobId
      }
      if (jobId === null) return
      const result = await client.cancel(jobId)
      if (result.confirmed || this.store.find(g.id)?.status !== 'canceled') return
      this.store.patch(g.id, { error: { code: 'canceled', message: result.message } })
      this.emit(this.store.get(g.id))
    }
    work().catch((e: unknown) => {
      this.ctx.log.warn('cancel at the provider failed', {
        generationId: g.id,
        provider: g.provider,
        error: e instanceof Error ? e.message : String(e),
      })
    })
  }
}
