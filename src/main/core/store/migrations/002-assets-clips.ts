import type { Migration } from './migration'

export const migration002: Migration = {
  version: 2,
  name: 'assets, clips',
  up: `
    CREATE TABLE assets (
      id TEXT PRIMARY KEY,
      project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      sha256 TEXT NOT NULL,
      ext TEXT NOT NULL,
      original_name TEXT NOT NULL,
      format TEXT NOT NULL,
      sample_rate INTEGER NOT NULL CHECK (sample_rate > 0),
      channels INTEGER NOT NULL CHECK (channels > 0),
      frames INTEGER NOT NULL CHECK (frames >= 0),
      byte_size INTEGER NOT NULL,
      peaks BLOB,
      origin TEXT NOT NULL CHECK (origin IN ('import', 'generation', 'render')),
      created_at INTEGER NOT NULL,
      UNIQUE (project_id, sha256)
    ) STRICT;
    CREATE INDEX assets_by_sha ON assets(sha256);

    CREATE TABLE clips (
      id TEXT PRIMARY KEY,
      track_id TEXT NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
      -- NO ACTION (checked at statement end) so deleting a project cascades through clips and assets.
      asset_id TEXT NOT NULL REFERENCES assets(id),
      start INTEGER NOT NULL CHECK (start >= 0),
      offset INTEGER NOT NULL DEFAULT 0 CHECK (offset >= 0),
      length INTEGER NOT NULL CHECK (length > 0),
      gain_db REAL NOT NULL DEFAULT 0,
      fade_in INTEGER NOT NULL DEFAULT 0 CHECK (fade_in >= 0),
      fade_out INTEGER NOT NULL DEFAULT 0 CHECK (fade_out >= 0),
      created_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX clips_by_track ON clips(track_id, start);
  `,
}
