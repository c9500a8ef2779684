import type { Migration } from './migration'

// A project keeps its undo history (bounded by the stack itself) and the Generate form's draft,
// so that both survive a reload of the window or a trip to Settings.
export const migration008: Migration = {
  version: 8,
  name: 'undo history and generate drafts',
  up: `
    CREATE TABLE project_history (
      project_id TEXT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
      stack TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE project_drafts (
      project_id TEXT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
      draft TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;
  `,
}
