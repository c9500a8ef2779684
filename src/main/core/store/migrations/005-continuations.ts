import type { Migration } from './migration'

// A continuation remembers where its context ended in the parent clip's audio (the parent may be
// trimmed while it generates) and which clip its result became once placed.
export const migration005: Migration = {
  version: 5,
  name: 'continuation placement',
  up: `
    ALTER TABLE generations ADD COLUMN context_end INTEGER;
    ALTER TABLE generations ADD COLUMN output_clip_id TEXT REFERENCES clips(id) ON DELETE SET NULL;
  `,
}
