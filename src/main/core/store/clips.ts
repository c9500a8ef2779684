import type { Clip } from '../../../shared/domain'
import { notFound } from '../app-error'
import type { Db } from './db'

interface ClipRow {
  id: string
  track_id: string
  asset_id: string
  start: number
  offset: number
  length: number
  gain_db: number
  fade_in: number
  fade_out: number
}

function toClip(row: ClipRow): Clip {
  return {
    id: row.id,
    trackId: row.track_id,
    assetId: row.asset_id,
    start: row.start,
    offset: row.offset,
    length: row.length,
    gainDb: row.gain_db,
    fadeIn: row.fade_in,
    fadeOut: row.fade_out,
  }
}

const COLUMNS = 'id, track_id, asset_id, start, offset, length, gain_db, fade_in, fade_out'

export class ClipsTable {
  constructor(private readonly db: Db) {}

  listByProject(projectId: string): Clip[] {
    const rows = this.db
      .statement(
        `SELECT ${COLUMNS.replace(/(\w+)/g, 'clips.$1')} FROM clips
         JOIN tracks ON tracks.id = clips.track_id
         WHERE tracks.project_id = ? ORDER BY clips.start, clips.id`,
      )
      .all(projectId) as ClipRow[]
    return rows.map(toClip)
  }

  get(id: string): Clip {
    const clip = this.find(id)
    if (!clip) throw notFound('Clip', id)
    return clip
  }

  find(id: string): Clip | undefined {
    const row = this.db.statement(`SELECT ${COLUMNS} FROM clips WHERE id = ?`).get(id) as
      ClipRow | undefined
    return row ? toClip(row) : undefined
  }

  insert(clip: Clip, now: number): void {
    this.db
      .statement(
        `INSERT INTO clips (${COLUMNS}, created_at) VALUES (@id, @trackId, @assetId, @start,
           @offset, @length, @gainDb, @fadeIn, @fadeOut, @createdAt)`,
      )
      .run({ ...clip, createdAt: now })
  }

  update(clip: Clip): void {
    this.db
      .statement(
        `UPDATE clips SET track_id = @trackId, start = @start, offset = @offset, length = @length,
           gain_db = @gainDb, fade_in = @fadeIn, fade_out = @fadeOut WHERE id = @id`,
      )
      .run(clip)
  }

  delete(id: string): void {
    const { changes } = this.db.statement('DELETE FROM clips WHERE id = ?').run(id)
    if (changes === 0) throw notFound('Clip', id)
  }
}
