// The generations table: rows ↔ Generation, every status change as one transaction that checks
// where the take is first (a late answer must not overwrite the user's cancel), and the chain
// links of continuations. Every SQL statement on this table lives here.
import type {
  Generation,
  GenerationCost,
  GenerationStatus,
  ProviderTimings,
} from '../../../shared/domain'
import type { Provider } from '../../../shared/musicgen'
import { notFound } from '../app-error'
import type { PreparedRequest } from '../providers/provider'
import type { TakeSummary } from '../export/stems'
import { canTransition } from '../jobs/state-machine'
import type { Db } from './db'
import { parseJson, takeError } from './generation-columns'

interface GenerationRow {
  id: string
  project_id: string
  track_id: string | null
  provider: string
  params: string
  seed: number | null
  input_asset_id: string | null
  parent_clip_id: string | null
  parent_generation_id: string | null
  context_frames: number | null
  status: string
  request_body: string | null
  provider_job_id: string | null
  progress: number
  logs_tail: string | null
  error_code: string | null
  error_message: string | null
  cost: string | null
  output_asset_id: string | null
  attempts: number
  created_at: number
  updated_at: number
  started_at: number | null
  completed_at: number | null
  waiting_reason: string | null
  submit_pending: number
  provider_timings: string | null
}

/** A take with what only the queue needs: the stored request and whether it may have been sent. */
export interface JobRecord extends Generation {
  request: PreparedRequest | null
  /** The paid request may have reached the provider without its answer: reconcile first. */
  submitPending: boolean
  attempts: number
  logsTail: string | null
}

/** Columns a transition may change; absent keys stay as they are. */
export interface JobPatch {
  seed?: number | null
  progress?: number
  waitingReason?: string | null
  error?: { code: string; message: string } | null
  cost?: GenerationCost | null
  providerTimings?: ProviderTimings | null
  outputAssetId?: string | null
  providerJobId?: string | null
  request?: PreparedRequest | null
  submitPending?: boolean
  attempts?: number
  logsTail?: string | null
  startedAt?: number | null
  completedAt?: number | null
}

export interface NewGeneration {
  id: string
  projectId: string
  trackId: string | null
  provider: Provider
  params: Record<string, unknown>
  seed: number
  inputAssetId: string | null
  parentClipId?: string | null
  parentGenerationId?: string | null
  contextFrames?: number | null
  status: 'queued' | 'waiting_parent'
  createdAt: number
}

/** A continuation's place in its chain (columns the contract's Generation does not carry). */
export interface ContinuationLinks {
  contextEnd: number | null
  outputClipId: string | null
  contextFrames: number | null
  inputAssetId: string | null
  parentClipId: string | null
}

interface ContinuationRow {
  context_end: number | null
  output_clip_id: string | null
  context_frames: number | null
  input_asset_id: string | null
  parent_clip_id: string | null
}

/** The context a waiting segment gets once its parent is placed. */
export interface ChildContext {
  inputAssetId: string
  parentClipId: string
  contextFrames: number
  contextEnd: number | null
  params: Record<string, unknown>
}

const COLUMNS = `id, project_id, track_id, provider, params, seed, input_asset_id, parent_clip_id,
  parent_generation_id, context_frames, status, request_body, provider_job_id, progress, logs_tail,
  error_code, error_message, cost, output_asset_id, attempts, created_at, updated_at, started_at,
  completed_at, waiting_reason, submit_pending, provider_timings`

function toRecord(row: GenerationRow): JobRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    trackId: row.track_id,
    provider: row.provider as Provider,
    params: parseJson<Record<string, unknown>>(row.params) ?? {},
    seed: row.seed,
    status: row.status as GenerationStatus,
    progress: row.progress,
    waitingReason: row.waiting_reason,
    error: takeError(row.error_code, row.error_message),
    cost: parseJson<GenerationCost>(row.cost),
    providerTimings: parseJson<ProviderTimings>(row.provider_timings),
    inputAssetId: row.input_asset_id,
    parentClipId: row.parent_clip_id,
    parentGenerationId: row.parent_generation_id,
    contextFrames: row.context_frames,
    outputAssetId: row.output_asset_id,
    providerJobId: row.provider_job_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    request: parseJson<PreparedRequest>(row.request_body),
    submitPending: row.submit_pending === 1,
    attempts: row.attempts,
    logsTail: row.logs_tail,
  }
}

/** The contract's view of a take: without the stored request, logs and counters. */
export function publicGeneration(r: JobRecord): Generation {
  return {
    id: r.id,
    projectId: r.projectId,
    trackId: r.trackId,
    provider: r.provider,
    params: r.params,
    seed: r.seed,
    status: r.status,
    progress: r.progress,
    waitingReason: r.waitingReason,
    error: r.error,
    cost: r.cost,
    providerTimings: r.providerTimings,
    inputAssetId: r.inputAssetId,
    parentClipId: r.parentClipId,
    parentGenerationId: r.parentGenerationId,
    contextFrames: r.contextFrames,
    outputAssetId: r.outputAssetId,
    providerJobId: r.providerJobId,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    startedAt: r.startedAt,
    completedAt: r.completedAt,
  }
}

// Patch keys → column and how to store the value.
const PATCH_COLUMNS: { [K in keyof JobPatch]-?: [string, (v: JobPatch[K]) => unknown] } = {
  seed: ['seed', (v) => v],
  progress: ['progress', (v) => Math.min(1, Math.max(0, v ?? 0))],
  waitingReason: ['waiting_reason', (v) => v],
  error: ['error_code', (v) => v?.code ?? null],
  cost: ['cost', (v) => (v === null || v === undefined ? null : JSON.stringify(v))],
  providerTimings: [
    'provider_timings',
    (v) => (v === null || v === undefined ? null : JSON.stringify(v)),
  ],
  outputAssetId: ['output_asset_id', (v) => v],
  providerJobId: ['provider_job_id', (v) => v],
  request: ['request_body', (v) => (v === null || v === undefined ? null : JSON.stringify(v))],
  submitPending: ['submit_pending', (v) => (v === true ? 1 : 0)],
  attempts: ['attempts', (v) => v],
  logsTail: ['logs_tail', (v) => v],
  startedAt: ['started_at', (v) => v],
  completedAt: ['completed_at', (v) => v],
}

export class GenerationsTable {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  find(id: string): JobRecord | undefined {
    const row = this.db.statement(`SELECT ${COLUMNS} FROM generations WHERE id = ?`).get(id) as
      GenerationRow | undefined
    return row && toRecord(row)
  }

  get(id: string): JobRecord {
    const found = this.find(id)
    if (!found) throw notFound('Generation', id)
    return found
  }

  /** The project of a take, or undefined for an unknown id. */
  projectIdOf(id: string): string | undefined {
    const row = this.db.statement('SELECT project_id FROM generations WHERE id = ?').get(id) as
      { project_id: string } | undefined
    return row?.project_id
  }

  /** What an export writes beside each take's audio, keyed by the take's output asset. */
  outputsByAsset(projectId: string): Map<string, TakeSummary> {
    const rows = this.db
      .statement(
        `SELECT output_asset_id, provider, seed, params FROM generations
         WHERE project_id = ? AND output_asset_id IS NOT NULL`,
      )
      .all(projectId) as {
      output_asset_id: string
      provider: string
      seed: number | null
      params: string
    }[]
    return new Map(
      rows.map((row) => [
        row.output_asset_id,
        { provider: row.provider, seed: row.seed, params: JSON.parse(row.params) as unknown },
      ]),
    )
  }

  listByStatus(statuses: readonly GenerationStatus[]): JobRecord[] {
    // One statement per status keeps the SQL constant (the statement cache keys on its text).
    const out: JobRecord[] = []
    for (const status of statuses) {
      const rows = this.db
        .statement(`SELECT ${COLUMNS} FROM generations WHERE status = ? ORDER BY created_at, rowid`)
        .all(status) as GenerationRow[]
      out.push(...rows.map(toRecord))
    }
    return out.sort((a, b) => a.createdAt - b.createdAt)
  }

  insert(g: NewGeneration): void {
    this.db
      .statement(
        `INSERT INTO generations (id, project_id, track_id, provider, params, seed, input_asset_id,
           parent_clip_id, parent_generation_id, context_frames, status, created_at, updated_at)
         VALUES (@id, @projectId, @trackId, @provider, @params, @seed, @inputAssetId,
           @parentClipId, @parentGenerationId, @contextFrames, @status, @createdAt, @createdAt)`,
      )
      .run({
        ...g,
        params: JSON.stringify(g.params),
        parentClipId: g.parentClipId ?? null,
        parentGenerationId: g.parentGenerationId ?? null,
        contextFrames: g.contextFrames ?? null,
      })
  }

  /**
   * Moves a take to `to` if it is in one of `from` now (and the move is allowed), applying the
   * patch in the same transaction. Returns the new row, or null when the take was elsewhere.
   */
  transition(
    id: string,
    from: readonly GenerationStatus[],
    to: GenerationStatus,
    patch: JobPatch = {},
  ): JobRecord | null {
    // Group durability: the queue changes states often; a paid request awaits `db.durable()`.
    return this.db.transaction(() => {
      const current = this.find(id)
      if (!current || !from.includes(current.status) || !canTransition(current.status, to)) {
        return null
      }
      this.write(id, to, patch)
      return this.get(id)
    }, 'group')
  }

  /** Changes columns without a status change (e.g. clearing submit_pending before a retry). */
  patch(id: string, patch: JobPatch): void {
    this.db.transaction(() => {
      const current = this.find(id)
      if (current) this.write(id, current.status, patch)
    }, 'group')
  }

  delete(id: string): void {
    this.db.statement('DELETE FROM generations WHERE id = ?').run(id)
  }

  /**
   * Removes a take's output asset when nothing else uses it: no clip, no other take (as input or
   * output). Imported audio is never removed here.
   */
  deleteUnusedOutput(assetId: string): boolean {
    const { changes } = this.db
      .statement(
        `DELETE FROM assets WHERE id = @assetId AND origin = 'generation'
           AND NOT EXISTS (SELECT 1 FROM clips WHERE asset_id = @assetId)
           AND NOT EXISTS (SELECT 1 FROM generations
                           WHERE output_asset_id = @assetId OR input_asset_id = @assetId)`,
      )
      .run({ assetId })
    return changes > 0
  }

  // ── Continuation chains: the links that are not part of the contract's Generation ──

  /** Where a continuation stands in its chain; undefined for an unknown id. */
  continuation(id: string): ContinuationLinks | undefined {
    const row = this.db
      .statement(
        'SELECT context_end, output_clip_id, context_frames, input_asset_id, parent_clip_id FROM generations WHERE id = ?',
      )
      .get(id) as ContinuationRow | undefined
    return (
      row && {
        contextEnd: row.context_end,
        outputClipId: row.output_clip_id,
        contextFrames: row.context_frames,
        inputAssetId: row.input_asset_id,
        parentClipId: row.parent_clip_id,
      }
    )
  }

  /** Where in its source clip the context of a continuation ends. */
  setContextEnd(id: string, contextEnd: number | null): void {
    this.db.statement('UPDATE generations SET context_end = ? WHERE id = ?').run(contextEnd, id)
  }

  /** The clip a continuation became once placed on the timeline. */
  setOutputClip(id: string, clipId: string): void {
    this.db.statement('UPDATE generations SET output_clip_id = ? WHERE id = ?').run(clipId, id)
  }

  /** Makes a waiting segment follow another take. */
  setParentGeneration(id: string, parentGenerationId: string): void {
    this.db
      .statement('UPDATE generations SET parent_generation_id = ? WHERE id = ?')
      .run(parentGenerationId, id)
  }

  /** Gives a waiting segment its context, cut from the clip its parent became. */
  setChildContext(id: string, child: ChildContext): void {
    this.db
      .statement(
        `UPDATE generations SET input_asset_id = ?, parent_clip_id = ?, context_frames = ?,
           context_end = ?, params = ? WHERE id = ?`,
      )
      .run(
        child.inputAssetId,
        child.parentClipId,
        child.contextFrames,
        child.contextEnd,
        JSON.stringify(child.params),
        id,
      )
  }

  /** The segment that continues take `id` (the first queued), if any. */
  nextSegment(id: string): JobRecord | undefined {
    const next = this.db
      .statement(
        'SELECT id FROM generations WHERE parent_generation_id = ? ORDER BY created_at LIMIT 1',
      )
      .get(id) as { id: string } | undefined
    return next && this.get(next.id)
  }

  /** The other take continuing `parentClipId` that is on the timeline, if any. */
  placedSibling(
    id: string,
    parentClipId: string,
  ): { id: string; outputClipId: string } | undefined {
    const row = this.db
      .statement(
        'SELECT id, output_clip_id FROM generations WHERE parent_clip_id = ? AND id <> ? AND output_clip_id IS NOT NULL',
      )
      .get(parentClipId, id) as { id: string; output_clip_id: string } | undefined
    return row && { id: row.id, outputClipId: row.output_clip_id }
  }

  /** Whether another take continuing `parentClipId` is on the timeline. */
  siblingPlaced(id: string, parentClipId: string): boolean {
    const placed = this.db
      .statement(
        'SELECT count(*) AS n FROM generations WHERE parent_clip_id = ? AND id <> ? AND output_clip_id IS NOT NULL',
      )
      .get(parentClipId, id) as { n: number }
    return placed.n > 0
  }

  private write(id: string, status: GenerationStatus, patch: JobPatch): void {
    const sets = ['status = @status', 'updated_at = @updatedAt']
    const values: Record<string, unknown> = { id, status, updatedAt: this.clock() }
    for (const key of Object.keys(patch) as (keyof JobPatch)[]) {
      if (patch[key] === undefined) continue
      const [column, encode] = PATCH_COLUMNS[key] as [string, (v: unknown) => unknown]
      sets.push(`${column} = @${column}`)
      values[column] = encode(patch[key])
      if (key === 'error') {
        sets.push('error_message = @error_message')
        values.error_message = patch.error?.message ?? null
      }
    }
    // The SQL text varies with the patch's keys; the set of shapes is small, so the cache stays small.
    this.db.statement(`UPDATE generations SET ${sets.join(', ')} WHERE id = @id`).run(values)
  }
}
