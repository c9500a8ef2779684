import { migration001 } from './001-projects-tracks-settings'
import { migration002 } from './002-assets-clips'
import { migration003 } from './003-generations'
import type { Migration } from './migration'

export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003]
export const SCHEMA_VERSION = MIGRATIONS.length
