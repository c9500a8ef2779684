import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDb } from '../../../src/main/core/store/db'
import { tempDir } from '../../helpers/temp'

describe('migration 8: undo history and generate drafts', () => {
  it('adds per-project history and draft tables to an existing store, keeping its projects', () => {
    const path = join(tempDir(), 'db.sqlite')
    const v7 = openDb(path, { targetVersion: 7 })
    v7.raw.exec(`INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p1', 'A', 1, 1);`)
    v7.close()

    const v8 = openDb(path, { targetVersion: 8 })
    expect(v8.userVersion).toBe(8)
    expect(v8.raw.prepare('SELECT id, name FROM projects').all()).toEqual([{ id: 'p1', name: 'A' }])
    v8.raw.exec(`
      INSERT INTO project_history (project_id, stack, updated_at) VALUES ('p1', '{"done":[],"undone":[]}', 2);
      INSERT INTO project_drafts (project_id, draft, updated_at) VALUES ('p1', '{"prompt":"x"}', 2);
    `)
    // Deleting the project takes its history and draft with it.
    v8.raw.exec(`DELETE FROM projects WHERE id = 'p1'`)
    expect(v8.raw.prepare('SELECT count(*) AS n FROM project_history').get()).toEqual({ n: 0 })
    expect(v8.raw.prepare('SELECT count(*) AS n FROM project_drafts').get()).toEqual({ n: 0 })
    v8.close()
  })
})
