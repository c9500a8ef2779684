import { createRequire } from 'node:module'
import type BetterSqlite3 from 'better-sqlite3'

export type Database = BetterSqlite3.Database
export type Statement = BetterSqlite3.Statement

// Electron loads the Node-API 10 build (better-sqlite3 13, shipped prebuilt in its npm tarball);
// plain Node 20 (tests, browser mode) loads the 12.x build compiled for this Node. Same API, so one
// type. On Node >= 22.14 the 13.x copy alone would do: drop the branch then.
const DRIVER = process.versions.electron ? 'better-sqlite3-electron' : 'better-sqlite3'

export function openDatabaseFile(path: string, options?: BetterSqlite3.Options): Database {
  const require = createRequire(import.meta.url)
  const Driver = require(DRIVER) as typeof BetterSqlite3
  return new Driver(path, options)
}
