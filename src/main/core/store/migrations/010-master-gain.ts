import type { Migration } from './migration'

// The master bus's gain of each project (dB), applied to the mix in playback and export. Existing
// projects get 0 dB: their mix sounds as before.
export const migration010: Migration = {
  version: 10,
  name: 'master gain',
  up: `
    ALTER TABLE projects ADD COLUMN master_gain_db REAL NOT NULL DEFAULT 0
      CHECK (master_gain_db BETWEEN -60 AND 12);
  `,
}
