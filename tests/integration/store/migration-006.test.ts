import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDb } from '../../../src/main/core/store/db'
import { tempDir } from '../../helpers/temp'

describe('migration 6: provider timings', () => {
  it('adds provider_timings to existing takes, keeping them', () => {
    const path = join(tempDir(), 'db.sqlite')
    const v5 = openDb(path, { targetVersion: 5 })
    v5.raw.exec(`
      INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p1', 'A', 1, 1);
      INSERT INTO generations (id, project_id, provider, params, status, cost, created_at, updated_at)
        VALUES ('g1', 'p1', 'replicate', '{"prompt":"x"}', 'succeeded', '{"predictSeconds":3}', 1, 2);
    `)
    v5.close()

    const v6 = openDb(path, { targetVersion: 6 })
    expect(v6.userVersion).toBe(6)
    expect(
      v6.raw.prepare('SELECT status, cost, updated_at, provider_timings FROM generations').get(),
    ).toEqual({
      status: 'succeeded',
      cost: '{"predictSeconds":3}',
      updated_at: 2,
      provider_timings: null,
    })
    v6.close()
  })
})
