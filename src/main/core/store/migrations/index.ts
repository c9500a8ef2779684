import { migration001 } from './001-projects-tracks-settings'
import { migration002 } from './002-assets-clips'
import { migration003 } from './003-generations'
import { migration004 } from './004-generation-queue'
import { migration005 } from './005-continuations'
import { migration006 } from './006-provider-timings'
import { migration007 } from './007-take-stars'
import { migration008 } from './008-history-and-drafts'
import { migration009 } from './009-local-provider'
import { migration010 } from './010-master-gain'
import type { Migration } from './migration'

export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
]
export const SCHEMA_VERSION = MIGRATIONS.length
