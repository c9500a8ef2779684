import type { Db } from './db'

/** Per-project JSON documents the UI keeps across reloads: the undo history and the form draft. */
export class ProjectStateTable {
  constructor(
    private readonly db: Db,
    private readonly table: 'project_history' | 'project_drafts',
    private readonly column: 'stack' | 'draft',
  ) {}

  get(projectId: string): unknown {
    const row = this.db
      .statement(`SELECT ${this.column} AS value FROM ${this.table} WHERE project_id = ?`)
      .get(projectId) as { value: string } | undefined
    return row ? (JSON.parse(row.value) as unknown) : null
  }

  set(projectId: string, value: unknown, now: number): void {
    this.db
      .statement(
        `INSERT INTO ${this.table} (project_id, ${this.column}, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(project_id) DO UPDATE SET ${this.column} = excluded.${this.column},
           updated_at = excluded.updated_at`,
      )
      .run(projectId, JSON.stringify(value), now)
  }
}
