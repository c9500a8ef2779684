export interface Migration {
  version: number
  name: string
  /** SQL run inside one transaction together with the `user_version` bump. */
  up: string
  /**
   * The migration rebuilds a table (SQLite's way to change a constraint): foreign keys are off
   * while it runs, so dropping the old copy cascades into nothing, and checked before it commits.
   */
  rebuildsTables?: boolean
}
