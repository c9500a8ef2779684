import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDb } from '../../../src/main/core/store/db'
import { ProjectsTable } from '../../../src/main/core/store/projects'
import { tempDir } from '../../helpers/temp'

describe('migration 10: master gain', () => {
  it('gives existing projects 0 dB, stores a gain, and refuses one out of range', () => {
    const path = join(tempDir(), 'db.sqlite')
    const v9 = openDb(path, { targetVersion: 9 })
    v9.raw.exec(`
      INSERT INTO projects (id, name, tempo_bpm, created_at, updated_at)
        VALUES ('p1', 'Old song', 92, 1, 2);
    `)
    v9.close()

    const v10 = openDb(path, { targetVersion: 10 })
    expect(v10.userVersion).toBe(10)
    const projects = new ProjectsTable(v10)
    const old = projects.get('p1')
    expect(old).toMatchObject({ name: 'Old song', tempoBpm: 92, masterGainDb: 0, updatedAt: 2 })
    expect(projects.setMasterGain('p1', -4.5, 10)).toMatchObject({
      masterGainDb: -4.5,
      updatedAt: 10,
    })
    expect(() => v10.raw.exec(`UPDATE projects SET master_gain_db = 40 WHERE id = 'p1'`)).toThrow(
      /CHECK constraint/,
    )
    expect(projects.get('p1').masterGainDb).toBe(-4.5)
    v10.close()
  })
})
