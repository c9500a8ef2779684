import type { Migration } from './migration'

// A take keeps when the provider says it ran it (its own clock), next to its cost.
export const migration006: Migration = {
  version: 6,
  name: 'provider timings',
  up: `
    ALTER TABLE generations ADD COLUMN provider_timings TEXT;
  `,
}
