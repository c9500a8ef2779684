import type { Migration } from './migration'

export const migration001: Migration = {
  version: 1,
  name: 'projects, tracks, settings',
  up: `
    CREATE TABLE projects (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      sample_rate INTEGER NOT NULL DEFAULT 48000 CHECK (sample_rate IN (44100, 48000)),
      tempo_bpm REAL CHECK (tempo_bpm IS NULL OR (tempo_bpm > 0 AND tempo_bpm <= 999)),
      time_signature_numerator INTEGER,
      time_signature_denominator INTEGER,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE tracks (
      id TEXT PRIMARY KEY,
      project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      position INTEGER NOT NULL,
      gain_db REAL NOT NULL DEFAULT 0,
      mute INTEGER NOT NULL DEFAULT 0 CHECK (mute IN (0, 1)),
      solo INTEGER NOT NULL DEFAULT 0 CHECK (solo IN (0, 1))
    ) STRICT;
    CREATE INDEX tracks_by_project ON tracks(project_id, position);

    CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;
  `,
}
