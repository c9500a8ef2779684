import type { Migration } from './migration'

// Stars the musician gives takes, kept apart from the queue's own columns: starring a take never
// races a status change, and deleting the take removes its star.
export const migration007: Migration = {
  version: 7,
  name: 'take stars',
  up: `
    CREATE TABLE take_stars (
      generation_id TEXT PRIMARY KEY REFERENCES generations(id) ON DELETE CASCADE,
      project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      starred_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX take_stars_by_project ON take_stars(project_id);
  `,
}
