import type { Track } from '../../../shared/domain'
import { notFound } from '../app-error'
import type { Db } from './db'

interface TrackRow {
  id: string
  project_id: string
  name: string
  position: number
  gain_db: number
  mute: number
  solo: number
}

function toTrack(row: TrackRow): Track {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    position: row.position,
    gainDb: row.gain_db,
    mute: row.mute === 1,
    solo: row.solo === 1,
  }
}

export interface TrackChanges {
  name?: string | undefined
  gainDb?: number | undefined
  mute?: boolean | undefined
  solo?: boolean | undefined
}

export class TracksTable {
  constructor(private readonly db: Db) {}

  listByProject(projectId: string): Track[] {
    const rows = this.db
      .statement('SELECT * FROM tracks WHERE project_id = ? ORDER BY position')
      .all(projectId) as TrackRow[]
    return rows.map(toTrack)
  }

  get(id: string): Track {
    const row = this.db.statement('SELECT * FROM tracks WHERE id = ?').get(id) as
      TrackRow | undefined
    if (!row) throw notFound('Track', id)
    return toTrack(row)
  }

  count(projectId: string): number {
    return (
      this.db.statement('SELECT count(*) AS n FROM tracks WHERE project_id = ?').get(projectId) as {
        n: number
      }
    ).n
  }

  insert(track: Track): void {
    this.db
      .statement(
        `INSERT INTO tracks (id, project_id, name, position, gain_db, mute, solo)
         VALUES (@id, @projectId, @name, @position, @gainDb, @mute, @solo)`,
      )
      .run({ ...track, mute: track.mute ? 1 : 0, solo: track.solo ? 1 : 0 })
  }

  update(id: string, changes: TrackChanges): void {
    const current = this.get(id)
    this.db
      .statement('UPDATE tracks SET name = ?, gain_db = ?, mute = ?, solo = ? WHERE id = ?')
      .run(
        changes.name ?? current.name,
        changes.gainDb ?? current.gainDb,
        (changes.mute ?? current.mute) ? 1 : 0,
        (changes.solo ?? current.solo) ? 1 : 0,
        id,
      )
  }

  /** Moves a track to `position` (clamped) and renumbers its siblings 0..n-1. */
  move(id: string, position: number): void {
    const track = this.get(id)
    const ids = this.listByProject(track.projectId)
      .map((t) => t.id)
      .filter((other) => other !== id)
    ids.splice(Math.min(position, ids.length), 0, id)
    const setPosition = this.db.statement('UPDATE tracks SET position = ? WHERE id = ?')
    ids.forEach((trackId, index) => setPosition.run(index, trackId))
  }

  delete(id: string): Track {
    const track = this.get(id)
    this.db.statement('DELETE FROM tracks WHERE id = ?').run(id)
    this.db
      .statement('UPDATE tracks SET position = position - 1 WHERE project_id = ? AND position > ?')
      .run(track.projectId, track.position)
    return track
  }
}
