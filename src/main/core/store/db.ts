import { AppError } from '../app-error'
import { openDatabaseFile, type Database, type Statement } from './driver'
import { MIGRATIONS, SCHEMA_VERSION } from './migrations'

export class DatabaseTooNewError extends AppError {
  constructor(path: string, found: number) {
    super(
      'conflict',
      `The project database ${path} was written by a newer MusicSketch (schema ${found}, this app knows ${SCHEMA_VERSION}). ` +
        'Update the app to open it; the file was left untouched.',
    )
  }
}

/** An open project database: pragmas set, migrated, with a prepared-statement cache. */
export class Db {
  readonly #statements = new Map<string, Statement>()

  constructor(readonly raw: Database) {}

  /** Prepares once per SQL text; callers pass constant SQL strings. */
  statement(sql: string): Statement {
    let statement = this.#statements.get(sql)
    if (!statement) {
      statement = this.raw.prepare(sql)
      this.#statements.set(sql, statement)
    }
    return statement
  }

  transaction<T>(work: () => T): T {
    return this.raw.transaction(work).immediate()
  }

  get userVersion(): number {
    return this.raw.pragma('user_version', { simple: true }) as number
  }

  close(): void {
    this.#statements.clear()
    if (this.raw.open) this.raw.close()
  }
}

export function migrate(raw: Database, targetVersion = SCHEMA_VERSION): void {
  const current = raw.pragma('user_version', { simple: true }) as number
  for (const migration of MIGRATIONS) {
    if (migration.version <= current || migration.version > targetVersion) continue
    raw.transaction(() => {
      raw.exec(migration.up)
      // PRAGMA takes no bound parameters; the version is an integer from our own list.
      raw.pragma(`user_version = ${migration.version}`)
    })()
  }
}

export interface OpenOptions {
  /** Migrate only up to this version (migration tests). */
  targetVersion?: number
}

export function openDb(path: string, options: OpenOptions = {}): Db {
  const raw = openDatabaseFile(path)
  try {
    // Read the version before anything writes: a newer database must stay byte-for-byte untouched.
    const found = raw.pragma('user_version', { simple: true }) as number
    if (found > SCHEMA_VERSION) throw new DatabaseTooNewError(path, found)
    raw.pragma('journal_mode = WAL')
    // FULL: a committed take or edit survives power loss too, not only a crash.
    raw.pragma('synchronous = FULL')
    raw.pragma('foreign_keys = ON')
    raw.pragma('busy_timeout = 5000')
    migrate(raw, options.targetVersion)
    return new Db(raw)
  } catch (error) {
    raw.close()
    throw error
  }
}
