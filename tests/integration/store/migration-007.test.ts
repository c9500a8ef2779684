import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDb } from '../../../src/main/core/store/db'
import { tempDir } from '../../helpers/temp'

describe('migration 7: undo history and generate drafts', () => {
  it('adds per-project history and draft tables to an existing store, keeping its projects', () => {
    const path = join(tempDir(), 'db.sqlite')
    const v6 = openDb(path, { targetVersion: 6 })
    v6.raw.exec(`INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p1', 'A', 1, 1);`)
    v6.close()

    const v7 = openDb(path, { targetVersion: 7 })
    expect(v7.userVersion).toBe(7)
    expect(v7.raw.prepare('SELECT id, name FROM projects').all()).toEqual([{ id: 'p1', name: 'A' }])
    v7.raw.exec(`
      INSERT INTO project_history (project_id, stack, updated_at) VALUES ('p1', '{"done":[],"undone":[]}', 2);
      INSERT INTO project_drafts (project_id, draft, updated_at) VALUES ('p1', '{"prompt":"x"}', 2);
    `)
    // Deleting the project takes its history and draft with it.
    v7.raw.exec(`DELETE FROM projects WHERE id = 'p1'`)
    expect(v7.raw.prepare('SELECT count(*) AS n FROM project_history').get()).toEqual({ n: 0 })
    expect(v7.raw.prepare('SELECT count(*) AS n FROM project_drafts').get()).toEqual({ n: 0 })
    v7.close()
  })
})
