import type { Migration } from './migration'

// Takes of the `local` provider (MusicGen on this machine). SQLite cannot change a CHECK in place,
// so the table is rebuilt (its documented 12-step way, foreign keys off): a new table with the
// same columns in the same order, the rows copied, the old one dropped, the new one renamed.
export const migration009: Migration = {
  version: 9,
  name: 'local provider',
  rebuildsTables: true,
  up: `
    CREATE TABLE generations_v9 (
      id TEXT PRIMARY KEY,
      project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      track_id TEXT REFERENCES tracks(id) ON DELETE SET NULL,
      provider TEXT NOT NULL CHECK (provider IN ('replicate', 'scenario', 'cog', 'local')),
      params TEXT NOT NULL,
      seed INTEGER,
      input_asset_id TEXT REFERENCES assets(id) ON DELETE SET NULL,
      parent_clip_id TEXT REFERENCES clips(id) ON DELETE SET NULL,
      parent_generation_id TEXT REFERENCES generations(id) ON DELETE SET NULL,
      context_frames INTEGER,
      status TEXT NOT NULL CHECK (status IN ('queued', 'waiting_parent', 'waiting_network',
        'submitting', 'running', 'downloading', 'succeeded', 'failed', 'canceled', 'needs_decision')),
      request_body TEXT,
      provider_job_id TEXT,
      progress REAL NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
      logs_tail TEXT,
      error_code TEXT,
      error_message TEXT,
      cost TEXT,
      output_asset_id TEXT REFERENCES assets(id) ON DELETE SET NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      started_at INTEGER,
      completed_at INTEGER,
      waiting_reason TEXT,
      submit_pending INTEGER NOT NULL DEFAULT 0 CHECK (submit_pending IN (0, 1)),
      context_end INTEGER,
      output_clip_id TEXT REFERENCES clips(id) ON DELETE SET NULL,
      provider_timings TEXT
    ) STRICT;
    INSERT INTO generations_v9 SELECT * FROM generations;
    DROP TABLE generations;
    ALTER TABLE generations_v9 RENAME TO generations;
    CREATE INDEX generations_by_project ON generations(project_id, created_at);
    CREATE INDEX generations_by_status ON generations(status);
  `,
}
