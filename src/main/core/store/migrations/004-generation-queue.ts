import type { Migration } from './migration'

// What the job queue needs beyond 003: why a take waits (shown to the user), and whether a paid
// request may have reached the provider without its answer (reconcile before sending again).
export const migration004: Migration = {
  version: 4,
  name: 'generation queue state',
  up: `
    ALTER TABLE generations ADD COLUMN waiting_reason TEXT;
    ALTER TABLE generations ADD COLUMN submit_pending INTEGER NOT NULL DEFAULT 0
      CHECK (submit_pending IN (0, 1));
  `,
}
