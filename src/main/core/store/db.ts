import { AppError } from '../app-error'
import { openDatabaseFile, type Database, type Statement } from './driver'
import { MIGRATIONS, SCHEMA_VERSION } from './migrations'
import { GroupSync } from './group-sync'
import { WalFile } from './wal-file'

export class DatabaseTooNewError extends AppError {
  constructor(path: string, found: number) {
    super(
      'conflict',
      `The project database ${path} was written by a newer MusicSketch (schema ${found}, this app knows ${SCHEMA_VERSION}). ` +
        'Update the app to open it; the file was left untouched.',
    )
  }
}

/**
 * How a transaction reaches the disk. 'sync': before the call returns (synchronous=FULL, the
 * default: edits the user makes). 'group': the commit returns at once and a shared fsync of the
 * WAL, off the main thread, follows within about a millisecond; `durable()` waits for it. For the
 * job queue's frequent state changes, which must not stall the app on the disk; an app crash
 * loses none of them either way, only a power cut may take back the last unflushed ones.
 */
export type Durability = 'sync' | 'group'

/** An open project database: pragmas set, migrated, with a prepared-statement cache. */
export class Db {
  readonly #statements = new Map<string, Statement>()
  readonly #walFile: WalFile
  readonly #wal: GroupSync

  constructor(readonly raw: Database) {
    this.#walFile = new WalFile(`${raw.name}-wal`)
    this.#wal = new GroupSync(() => this.#walFile.sync())
  }

  /** Prepares once per SQL text; callers pass constant SQL strings. */
  statement(sql: string): Statement {
    let statement = this.#statements.get(sql)
    if (!statement) {
      statement = this.raw.prepare(sql)
      this.#statements.set(sql, statement)
    }
    return statement
  }

  transaction<T>(work: () => T, durability: Durability = 'sync'): T {
    // Inside an outer transaction, the outer one decides (the pragma cannot change mid-way).
    if (durability === 'sync' || this.raw.inTransaction) {
      return this.raw.transaction(work).immediate()
    }
    this.statement('PRAGMA synchronous = NORMAL').run()
    try {
      return this.raw.transaction(work).immediate()
    } finally {
      this.statement('PRAGMA synchronous = FULL').run()
      // A failed background flush is retried by the next one; `durable()` reports its own.
      this.#wal.flush().catch(() => undefined)
    }
  }

  /** Resolves once every commit so far, 'group' ones included, is on disk. */
  durable(): Promise<void> {
    return this.#wal.flush()
  }

  get userVersion(): number {
    return this.raw.pragma('user_version', { simple: true }) as number
  }

  close(): void {
    this.#statements.clear()
    const walFile = this.#walFile
    void this.#wal.close().then(() => walFile.close())
    // Closing checkpoints the WAL into the database file and syncs it.
    if (this.raw.open) this.raw.close()
  }
}

export function migrate(raw: Database, targetVersion = SCHEMA_VERSION): void {
  const current = raw.pragma('user_version', { simple: true }) as number
  for (const migration of MIGRATIONS) {
    if (migration.version <= current || migration.version > targetVersion) continue
    // foreign_keys cannot change inside a transaction: SQLite's table-rebuild procedure.
    const fkWasOn = raw.pragma('foreign_keys', { simple: true }) === 1
    if (migration.rebuildsTables) raw.pragma('foreign_keys = OFF')
    try {
      raw.transaction(() => {
        raw.exec(migration.up)
        if (migration.rebuildsTables) {
          const broken = raw.pragma('foreign_key_check') as unknown[]
          if (broken.length > 0)
            throw new Error(`migration ${migration.version} broke ${broken.length} links`)
        }
        // PRAGMA takes no bound parameters; the version is an integer from our own list.
        raw.pragma(`user_version = ${migration.version}`)
      })()
    } finally {
      if (migration.rebuildsTables && fkWasOn) raw.pragma('foreign_keys = ON')
    }
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
