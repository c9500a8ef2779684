import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDb } from '../../../src/main/core/store/db'
import { killWriterAfter } from '../../helpers/kill-writer'
import { tempDir } from '../../helpers/temp'

describe('crash safety', () => {
  it('keeps every committed row and an intact file when the writer is killed mid-loop', async () => {
    const path = join(tempDir(), 'db.sqlite')
    const committed = await killWriterAfter(path, 300)

    const db = openDb(path)
    expect(db.raw.pragma('integrity_check', { simple: true })).toBe('ok')
    const present = new Set(
      (db.raw.prepare('SELECT id FROM projects').all() as { id: string }[]).map((r) => r.id),
    )
    const missing = committed.filter((id) => !present.has(id))
    expect(missing).toEqual([])
    // Each committed project has all four of its tracks: transactions are all-or-nothing.
    const partial = db.raw
      .prepare('SELECT project_id FROM tracks GROUP BY project_id HAVING count(*) <> 4')
      .all()
    expect(partial).toEqual([])
    expect(present.size).toBeGreaterThanOrEqual(committed.length)
    db.close()
  })
})
