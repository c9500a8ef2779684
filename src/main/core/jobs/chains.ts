// Continuation chains: a take that continues a clip gets the clip's tail as its input; when it
// succeeds its result is placed after the clip, and the next segment of the chain (waiting for
// it) gets its context cut from that new clip.
import type { Clip, Generation } from '../../../shared/domain'
import { randomSeed, type MusicgenParams, type Provider } from '../../../shared/musicgen'
import { AppError } from '../app-error'
import type { CoreContext } from '../context'
import type { TimelineHistory } from '../history/timeline-history'
import { cutContext, planContinuationResult } from './continuation'
import type { JobRecord, NewGeneration } from '../store/generations'
import type { JobQueue } from './queue'

export interface ContinuationRequest {
  clip: Clip
  provider: Provider
  contextSeconds: number
  /** Canonical, validated parameters of each segment, seeds resolved. */
  segments: (MusicgenParams & { seed: number })[]
  /** Takes of the first segment (variations); later segments follow the first placed take. */
  takes: number
  seeds: number[]
}

export class Chains {
  constructor(
    private readonly ctx: CoreContext,
    private readonly queue: JobQueue,
    private readonly history: TimelineHistory,
  ) {}

  /** Queues a continuation of `clip` (one segment, N takes) or a chain of segments. */
  async enqueue(request: ContinuationRequest): Promise<Generation[]> {
    const { ctx } = this
    const { clip, provider, contextSeconds } = request
    const track = ctx.tracks.get(clip.trackId)
    const cut = await cutContext(ctx, clip, contextSeconds)
    const input = { assetId: cut.asset.id, seconds: cut.seconds }
    const now = ctx.clock()
    const rows: NewGeneration[] = []
    const first = request.segments[0]!
    for (const seed of request.seeds.slice(0, request.takes)) {
      rows.push({
        id: ctx.newId(),
        projectId: track.projectId,
        trackId: track.id,
        provider,
        params: { ...first, seed, input_audio: input, continuation: true },
        seed,
        inputAssetId: cut.asset.id,
        parentClipId: clip.id,
        contextFrames: cut.contextSamples,
        status: 'queued',
        createdAt: now,
      })
    }
    let previous = rows[0]!.id
    for (const segment of request.segments.slice(1)) {
      const id = ctx.newId()
      rows.push({
        id,
        projectId: track.projectId,
        trackId: track.id,
        provider,
        // The input is cut from the previous segment's clip once it exists.
        params: {
          ...segment,
          input_audio: { assetId: cut.asset.id, seconds: cut.seconds },
          continuation: true,
        },
        seed: segment.seed,
        inputAssetId: null,
        parentGenerationId: previous,
        contextFrames: cut.contextSamples,
        status: 'waiting_parent',
        createdAt: now,
      })
      previous = id
    }
    const created = ctx.db.transaction(() => {
      const added = this.queue.add(rows)
      for (const row of rows)
        if (row.parentClipId) ctx.generations.setContextEnd(row.id, cut.contextEnd)
      return added
    })
    ctx.log.info('continuation queued', {
      clipId: clip.id,
      segments: request.segments.length,
      takes: request.takes,
    })
    return created
  }

  /**
   * Called when a take succeeded. A continuation is placed (the first take of its group only:
   * other takes stay available to pick), then the next segment gets its context from the new
   * clip. Idempotent: after a restart it finishes whatever a crash interrupted.
   */
  async onEnded(record: JobRecord): Promise<void> {
    if (record.status !== 'succeeded' || !record.outputAssetId) return
    const clipId = await this.#ensurePlaced(record)
    if (!clipId) return
    const clip = this.ctx.clips.get(clipId)
    for (const child of this.ctx.generations.listByStatus(['waiting_parent'])) {
      if (child.parentGenerationId !== record.id || child.parentClipId === clip.id) continue
      await this.#prepareChild(child, clip)
    }
  }

  /** Same parameters and the same place in the chain, a new seed. */
  reroll(generationId: string): Generation[] {
    const generations = this.ctx.generations
    const g = generations.get(generationId)
    const links = generations.continuation(generationId)
    let seed = randomSeed(this.queue.random)
    while (seed === g.seed) seed = randomSeed(this.queue.random)
    const waiting = g.parentGenerationId !== null && g.inputAssetId === null
    const fresh: NewGeneration = {
      id: this.ctx.newId(),
      projectId: g.projectId,
      trackId: g.trackId,
      provider: g.provider,
      params: { ...g.params, seed },
      seed,
      inputAssetId: g.inputAssetId,
      parentClipId: g.parentClipId,
      parentGenerationId: g.parentGenerationId,
      contextFrames: g.contextFrames,
      status: waiting ? 'waiting_parent' : 'queued',
      createdAt: this.ctx.clock(),
    }
    return this.ctx.db.transaction(() => {
      const added = this.queue.add([fresh])
      if (links?.contextEnd != null) generations.setContextEnd(fresh.id, links.contextEnd)
      return added
    })
  }

  /**
   * Puts another take of a continuation on the timeline instead of the one placed; the later
   * segments of the chain follow it: those not generated yet continue from it, and those already
   * generated are queued again (same prompts and seeds) from the new take.
   */
  async pick(generationId: string): Promise<Generation[]> {
    const { ctx } = this
    const generations = ctx.generations
    const g = generations.get(generationId)
    const links = generations.continuation(generationId)
    if (g.status !== 'succeeded' || !g.outputAssetId || !links?.parentClipId) {
      throw new AppError(
        'invalid_input',
        'only a finished continuation take can be picked',
        'generationId',
      )
    }
    if (links.outputClipId) return []
    const placed = generations.placedSibling(generationId, links.parentClipId)
    const later: JobRecord[] = []
    const replacing: Clip[] = []
    if (placed) {
      for (
        let next = generations.nextSegment(placed.id);
        next;
        next = generations.nextSegment(next.id)
      )
        later.push(next)
      // Removed in the same undo step as the new take is placed.
      for (const id of [
        placed.outputClipId,
        ...later.map((s) => generations.continuation(s.id)?.outputClipId),
      ]) {
        const clip = id ? ctx.clips.find(id) : undefined
        if (clip) replacing.push(clip)
      }
    }
    const clipId = await this.#ensurePlaced(g, replacing, placed !== undefined)
    if (!clipId) throw new AppError('not_found', 'the clip this take continues no longer exists')
    const requeued: NewGeneration[] = []
    let previous = generationId
    for (const segment of later) {
      if (segment.status === 'waiting_parent') {
        generations.setParentGeneration(segment.id, previous)
        previous = segment.id
        continue
      }
      const id = ctx.newId()
      requeued.push({
        id,
        projectId: segment.projectId,
        trackId: segment.trackId,
        provider: segment.provider,
        params: segment.params,
        seed: segment.seed ?? randomSeed(this.queue.random),
        inputAssetId: null,
        parentGenerationId: previous,
        contextFrames: segment.contextFrames,
        status: 'waiting_parent',
        createdAt: ctx.clock(),
      })
      previous = id
    }
    const added = requeued.length > 0 ? this.queue.add(requeued) : []
    this.queue.releaseChildrenOf(generationId)
    ctx.log.info('take picked for the chain', { generationId, requeued: added.length })
    return added
  }

  /**
   * The clip a succeeded continuation became, placing it (one undo step) if no take of its group
   * is placed, or when it replaces the placed one (`replacing`, a pick).
   */
  async #ensurePlaced(
    record: Generation,
    replacing: readonly Clip[] = [],
    picked = false,
  ): Promise<string | null> {
    const generations = this.ctx.generations
    const links = generations.continuation(record.id)
    if (!links?.parentClipId || !links.inputAssetId || !record.outputAssetId) return null
    if (links.outputClipId) return links.outputClipId
    if (!picked && generations.siblingPlaced(record.id, links.parentClipId)) return null
    const planned = await planContinuationResult(
      this.ctx,
      {
        parentClipId: links.parentClipId,
        contextAssetId: links.inputAssetId,
        contextSeconds: inputSeconds(record),
        contextSamples: links.contextFrames ?? 0,
        contextEnd: links.contextEnd,
        resultAssetId: record.outputAssetId,
      },
      replacing,
    )
    if (!planned) return null
    const clipId = this.history.apply(planned.projectId, planned.command).get(planned.clipId)
    if (!clipId) return null
    generations.setOutputClip(record.id, clipId)
    return clipId
  }

  async #prepareChild(child: JobRecord, parentClip: Clip): Promise<void> {
    const seconds = inputSeconds(child)
    const cut = await cutContext(this.ctx, parentClip, seconds)
    const params = { ...child.params, input_audio: { assetId: cut.asset.id, seconds: cut.seconds } }
    this.ctx.generations.setChildContext(child.id, {
      inputAssetId: cut.asset.id,
      parentClipId: parentClip.id,
      contextFrames: cut.contextSamples,
      contextEnd: cut.contextEnd,
      params,
    })
  }
}

function inputSeconds(record: Generation): number {
  const audio = record.params.input_audio as { seconds?: unknown } | null | undefined
  return typeof audio?.seconds === 'number' ? audio.seconds : 10
}
