import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDb } from '../../../src/main/core/store/db'
import { tempDir } from '../../helpers/temp'

describe('migration 4: generation queue state', () => {
  it('adds waiting_reason and submit_pending to existing takes, keeping them', () => {
    const path = join(tempDir(), 'db.sqlite')
    const v3 = openDb(path, { targetVersion: 3 })
    v3.raw
      .prepare('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, 1, 1)')
      .run('p1', 'A')
    v3.raw
      .prepare(
        `INSERT INTO generations (id, project_id, provider, params, status, request_body,
           created_at, updated_at) VALUES ('g1', 'p1', 'replicate', '{}', 'submitting', '{}', 1, 1)`,
      )
      .run()
    v3.close()

    const v4 = openDb(path, { targetVersion: 4 })
    expect(v4.userVersion).toBe(4)
    expect(
      v4.raw.prepare('SELECT status, waiting_reason, submit_pending FROM generations').get(),
    ).toEqual({ status: 'submitting', waiting_reason: null, submit_pending: 0 })
    v4.raw.prepare("UPDATE generations SET submit_pending = 1, waiting_reason = 'x'").run()
    expect(() => v4.raw.prepare('UPDATE generations SET submit_pending = 2').run()).toThrow(
      /CHECK constraint/,
    )
    v4.close()
  })
})
