import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDb } from '../../../src/main/core/store/db'
import { tempDir } from '../../helpers/temp'

describe('migration 5: continuation placement', () => {
  it('adds context_end and output_clip_id to existing takes, keeping them', () => {
    const path = join(tempDir(), 'db.sqlite')
    const v4 = openDb(path, { targetVersion: 4 })
    v4.raw.exec(`
      INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p1', 'A', 1, 1);
      INSERT INTO tracks (id, project_id, name, position) VALUES ('t1', 'p1', 'T', 0);
      INSERT INTO assets (id, project_id, sha256, ext, original_name, format, sample_rate, channels, frames, byte_size, origin, created_at)
        VALUES ('a1', 'p1', 'ab', 'wav', 'x.wav', 'wav', 32000, 2, 100, 400, 'import', 3);
      INSERT INTO clips (id, track_id, asset_id, start, length, created_at) VALUES ('c1', 't1', 'a1', 0, 100, 3);
      INSERT INTO generations (id, project_id, provider, params, status, parent_clip_id, context_frames,
        waiting_reason, created_at, updated_at)
        VALUES ('g1', 'p1', 'replicate', '{"prompt":"x"}', 'running', 'c1', 48000, NULL, 1, 1);
    `)
    v4.close()

    const v5 = openDb(path, { targetVersion: 5 })
    expect(v5.userVersion).toBe(5)
    expect(
      v5.raw
        .prepare(
          'SELECT status, parent_clip_id, context_frames, context_end, output_clip_id FROM generations',
        )
        .get(),
    ).toEqual({
      status: 'running',
      parent_clip_id: 'c1',
      context_frames: 48000,
      context_end: null,
      output_clip_id: null,
    })
    v5.raw.exec("UPDATE generations SET output_clip_id = 'c1', context_end = 100")
    v5.raw.exec("DELETE FROM clips WHERE id = 'c1'")
    expect(v5.raw.prepare('SELECT output_clip_id FROM generations').get()).toEqual({
      output_clip_id: null,
    })
    v5.close()
  })
})
