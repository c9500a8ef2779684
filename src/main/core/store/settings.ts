import type { Db } from './db'

/** Key/value settings, each value stored as JSON text. */
export class SettingsTable {
  constructor(private readonly db: Db) {}

  all(): Map<string, unknown> {
    const rows = this.db.statement('SELECT key, value FROM settings').all() as {
      key: string
      value: string
    }[]
    return new Map(rows.map((row) => [row.key, JSON.parse(row.value) as unknown]))
  }

  set(key: string, value: unknown): void {
    this.db
      .statement(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, JSON.stringify(value))
  }
}
