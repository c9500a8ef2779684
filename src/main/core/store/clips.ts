import type { Clip } from '../../../shared/domain'
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

export function toClip(row: ClipRow): Clip {
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

export class ClipsTable {
  constructor(private readonly db: Db) {}

  listByProject(projectId: string): Clip[] {
    const rows = this.db
      .statement(
        `SELECT clips.* FROM clips JOIN tracks ON tracks.id = clips.track_id
         WHERE tracks.project_id = ? ORDER BY clips.start`,
      )
      .all(projectId) as ClipRow[]
    return rows.map(toClip)
  }
}
