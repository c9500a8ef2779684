import type { Db } from './db'

/** Which takes of a project the musician starred. */
export class TakeStarsTable {
  constructor(private readonly db: Db) {}

  set(projectId: string, generationId: string, starred: boolean, now: number): void {
    if (starred) {
      this.db
        .statement(
          `INSERT INTO take_stars (generation_id, project_id, starred_at) VALUES (?, ?, ?)
           ON CONFLICT (generation_id) DO NOTHING`,
        )
        .run(generationId, projectId, now)
    } else {
      this.db.statement('DELETE FROM take_stars WHERE generation_id = ?').run(generationId)
    }
  }

  listByProject(projectId: string): string[] {
    const rows = this.db
      .statement('SELECT generation_id FROM take_stars WHERE project_id = ? ORDER BY starred_at')
      .all(projectId) as { generation_id: string }[]
    return rows.map((row) => row.generation_id)
  }
}
