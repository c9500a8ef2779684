import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDb } from '../../../src/main/core/store/db'
import { TakeStarsTable } from '../../../src/main/core/store/take-stars'
import { tempDir } from '../../helpers/temp'

describe('migration 9: local provider', () => {
  it('keeps every take, star and link, and takes `local` takes from then on', () => {
    const path = join(tempDir(), 'db.sqlite')
    const v8 = openDb(path, { targetVersion: 8 })
    v8.raw.exec(`
      INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p1', 'A', 1, 1);
      INSERT INTO generations (id, project_id, provider, params, status, created_at, updated_at,
          waiting_reason, submit_pending, provider_timings)
        VALUES ('g1', 'p1', 'replicate', '{"prompt":"x"}', 'succeeded', 1, 2, NULL, 0, '{"a":1}');
      INSERT INTO generations (id, project_id, provider, params, status, created_at, updated_at,
          parent_generation_id)
        VALUES ('g2', 'p1', 'cog', '{"prompt":"y"}', 'waiting_parent', 3, 4, 'g1');
    `)
    expect(() =>
      v8.raw
        .exec(`INSERT INTO generations (id, project_id, provider, params, status, created_at, updated_at)
        VALUES ('g3', 'p1', 'local', '{}', 'queued', 5, 5)`),
    ).toThrow(/CHECK constraint/)
    new TakeStarsTable(v8).set('p1', 'g1', true, 10)
    const before = v8.raw.prepare('SELECT * FROM generations ORDER BY id').all()
    v8.close()

    const v9 = openDb(path, { targetVersion: 9 })
    expect(v9.userVersion).toBe(9)
    expect(v9.raw.prepare('SELECT * FROM generations ORDER BY id').all()).toEqual(before)
    expect(new TakeStarsTable(v9).listByProject('p1')).toEqual(['g1'])
    v9.raw
      .exec(`INSERT INTO generations (id, project_id, provider, params, status, created_at, updated_at)
      VALUES ('g3', 'p1', 'local', '{}', 'queued', 5, 5)`)
    expect(() =>
      v9.raw
        .exec(`INSERT INTO generations (id, project_id, provider, params, status, created_at, updated_at)
        VALUES ('g4', 'p1', 'elsewhere', '{}', 'queued', 5, 5)`),
    ).toThrow(/CHECK constraint/)
    // The links still work: deleting a take clears its child's parent and removes its star.
    v9.raw.exec(`DELETE FROM generations WHERE id = 'g1'`)
    expect(
      v9.raw.prepare(`SELECT parent_generation_id AS p FROM generations WHERE id = 'g2'`).get(),
    ).toEqual({ p: null })
    expect(new TakeStarsTable(v9).listByProject('p1')).toEqual([])
    expect(v9.raw.pragma('foreign_key_check')).toEqual([])
    expect(v9.raw.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }])
    v9.close()
  })
})
