// The takes list read from the generations table a page at a time: newest first, filtered in SQL,
// each row only what the list shows (its audio's shape joined in), with a count of all matches.
import type {
  AudioFormat,
  GenerationCost,
  GenerationStatus,
  ProviderId,
} from '../../../shared/domain'
import {
  TAKE_VIEW_STATUSES,
  type TakeCursor,
  type TakeFilter,
  type TakePage,
  type TakeSummary,
} from '../../../shared/takes'
import type { Db } from './db'
import { parseJson, takeError } from './generation-columns'

interface SummaryRow {
  id: string
  project_id: string
  provider: string
  prompt: string
  duration: number | null
  seed: number | null
  status: string
  progress: number
  waiting_reason: string | null
  error_code: string | null
  error_message: string | null
  cost: string | null
  output_asset_id: string | null
  parent_clip_id: string | null
  parent_generation_id: string | null
  created_at: number
  started_at: number | null
  completed_at: number | null
  format: string | null
  sample_rate: number | null
  frames: number | null
}

interface ChainLink {
  id: string
  parent: string | null
}

const PROMPT = `coalesce(json_extract(g.params, '$.prompt'), '')`

const SELECT = `SELECT g.id, g.project_id, g.provider, ${PROMPT} AS prompt,
    json_extract(g.params, '$.duration') AS duration, g.seed, g.status, g.progress,
    g.waiting_reason, g.error_code, g.error_message, g.cost, g.output_asset_id, g.parent_clip_id,
    g.parent_generation_id, g.created_at, g.started_at, g.completed_at,
    a.format, a.sample_rate, a.frames
  FROM generations g LEFT JOIN assets a ON a.id = g.output_asset_id`

// One constant text per statement (the statement cache keys on it): absent filters are NULL.
const MATCHES = `g.project_id = @projectId
  AND (@statuses IS NULL OR g.status IN (SELECT value FROM json_each(@statuses)))
  AND (@starred = 0 OR EXISTS (SELECT 1 FROM take_stars s WHERE s.generation_id = g.id))
  AND (@prompt IS NULL OR ${PROMPT} = @prompt)`

const PAGE = `${SELECT} WHERE ${MATCHES}
  AND (@afterAt IS NULL OR g.created_at < @afterAt OR (g.created_at = @afterAt AND g.id < @afterId))
  ORDER BY g.created_at DESC, g.id DESC LIMIT @limit`

const COUNT = `SELECT COUNT(*) AS n FROM generations g WHERE ${MATCHES}`

function toSummary(row: SummaryRow, chain: TakeSummary['chain']): TakeSummary {
  return {
    id: row.id,
    provider: row.provider as ProviderId,
    prompt: typeof row.prompt === 'string' ? row.prompt : String(row.prompt),
    duration: typeof row.duration === 'number' ? row.duration : null,
    seed: row.seed,
    status: row.status as GenerationStatus,
    progress: row.progress,
    waitingReason: row.waiting_reason,
    error: takeError(row.error_code, row.error_message),
    cost: parseJson<GenerationCost>(row.cost),
    outputAssetId: row.output_asset_id,
    parentClipId: row.parent_clip_id,
    parentGenerationId: row.parent_generation_id,
    chain,
    audio:
      row.output_asset_id !== null && row.format !== null
        ? {
            assetId: row.output_asset_id,
            format: row.format as AudioFormat,
            sampleRate: row.sample_rate ?? 0,
            frames: row.frames ?? 0,
          }
        : null,
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
  }
}

export interface TakePageQuery {
  projectId: string
  filter: TakeFilter
  after: TakeCursor | null
  limit: number
}

/** Reads the takes list; writes stay with the generation queue's store. */
export class TakePages {
  constructor(private readonly db: Db) {}

  page({ projectId, filter, after, limit }: TakePageQuery): TakePage {
    const statuses = TAKE_VIEW_STATUSES[filter.view]
    const matches = {
      projectId,
      statuses: statuses ? JSON.stringify(statuses) : null,
      starred: filter.view === 'starred' ? 1 : 0,
      prompt: filter.prompt,
    }
    // One read snapshot: the count agrees with the page even while the queue writes.
    const read = this.db.raw.transaction(() => {
      const rows = this.db.statement(PAGE).all({
        ...matches,
        afterAt: after?.createdAt ?? null,
        afterId: after?.id ?? '',
        // One more than asked: whether another page follows.
        limit: limit + 1,
      }) as SummaryRow[]
      const more = rows.length > limit
      if (more) rows.pop()
      const { n } = this.db.statement(COUNT).get(matches) as { n: number }
      const chains = this.chains(projectId, rows)
      const takes = rows.map((row) => toSummary(row, chains.get(row.id) ?? null))
      const last = takes.at(-1)
      return {
        takes,
        total: n,
        next: last && more ? { createdAt: last.createdAt, id: last.id } : null,
      }
    })
    return read.deferred()
  }

  /** One take's row, as a page would carry it; undefined when it is gone. */
  summary(generationId: string): TakeSummary | undefined {
    const row = this.db.statement(`${SELECT} WHERE g.id = ?`).get(generationId) as
      SummaryRow | undefined
    if (!row) return undefined
    return toSummary(row, this.chains(row.project_id, [row]).get(row.id) ?? null)
  }

  /** The prompts of a project's takes, each once, most recently used first (at most `limit`). */
  prompts(projectId: string, limit: number): string[] {
    const rows = this.db
      .statement(
        `SELECT ${PROMPT} AS prompt, MAX(g.created_at) AS at FROM generations g
         WHERE g.project_id = ? GROUP BY 1 ORDER BY at DESC, prompt LIMIT ?`,
      )
      .all(projectId, limit) as { prompt: string }[]
    return rows.map((row) => String(row.prompt))
  }

  /** The newest take whose output is this asset, if any. */
  takeOfAsset(assetId: string): string | undefined {
    const row = this.db
      .statement(
        `SELECT id FROM generations WHERE output_asset_id = ?
         ORDER BY created_at DESC, id DESC LIMIT 1`,
      )
      .get(assetId) as { id: string } | undefined
    return row?.id
  }

  /**
   * Each chain take's place: segments counted back through its parents and on through the newest
   * take continuing it. Only the project's continuation takes are read, once per page.
   */
  private chains(
    projectId: string,
    rows: readonly SummaryRow[],
  ): Map<string, NonNullable<TakeSummary['chain']>> {
    const out = new Map<string, NonNullable<TakeSummary['chain']>>()
    const linked = rows.filter((row) => row.parent_clip_id !== null || row.parent_generation_id)
    if (linked.length === 0) return out
    const links = this.db
      .statement(
        `SELECT id, parent_generation_id AS parent FROM generations
         WHERE project_id = ? AND (parent_generation_id IS NOT NULL OR parent_clip_id IS NOT NULL)
         ORDER BY created_at DESC, id DESC`,
      )
      .all(projectId) as ChainLink[]
    const parentOf = new Map(links.map((link) => [link.id, link.parent]))
    const newestChild = new Map<string, string>()
    for (const link of links) {
      if (link.parent !== null && !newestChild.has(link.parent))
        newestChild.set(link.parent, link.id)
    }
    for (const row of linked) {
      let segment = 1
      const seen = new Set([row.id])
      for (
        let at = parentOf.get(row.id);
        at && parentOf.has(at) && !seen.has(at);
        at = parentOf.get(at)
      ) {
        seen.add(at)
        segment++
      }
      let of = segment
      for (let at = newestChild.get(row.id); at && !seen.has(at); at = newestChild.get(at)) {
        seen.add(at)
        of++
      }
      out.set(row.id, { segment, of })
    }
    return out
  }
}
