import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDb } from '../../../src/main/core/store/db'
import { TakeStarsTable } from '../../../src/main/core/store/take-stars'
import { tempDir } from '../../helpers/temp'

describe('migration 7: take stars', () => {
  it('adds take_stars next to existing takes, and a deleted take loses its star', () => {
    const path = join(tempDir(), 'db.sqlite')
    const v6 = openDb(path, { targetVersion: 6 })
    v6.raw.exec(`
      INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p1', 'A', 1, 1);
      INSERT INTO generations (id, project_id, provider, params, status, created_at, updated_at)
        VALUES ('g1', 'p1', 'replicate', '{"prompt":"x"}', 'succeeded', 1, 2),
               ('g2', 'p1', 'replicate', '{"prompt":"y"}', 'failed', 3, 4);
    `)
    v6.close()

    const v7 = openDb(path, { targetVersion: 7 })
    expect(v7.userVersion).toBe(7)
    const stars = new TakeStarsTable(v7)
    expect(stars.listByProject('p1')).toEqual([])
    stars.set('p1', 'g2', true, 10)
    stars.set('p1', 'g2', true, 11)
    stars.set('p1', 'g1', true, 12)
    expect(stars.listByProject('p1')).toEqual(['g2', 'g1'])
    stars.set('p1', 'g1', false, 13)
    v7.raw.exec(`DELETE FROM generations WHERE id = 'g2'`)
    expect(stars.listByProject('p1')).toEqual([])
    expect(v7.raw.prepare('SELECT COUNT(*) AS n FROM generations').get()).toEqual({ n: 1 })
    v7.close()
  })
})
