import type { Db } from './db'

export interface AssetFileRow {
  id: string
  sha256: string
  ext: string
}

export class AssetsTable {
  constructor(private readonly db: Db) {}

  findFile(id: string): AssetFileRow | undefined {
    return this.db.statement('SELECT id, sha256, ext FROM assets WHERE id = ?').get(id) as
      AssetFileRow | undefined
  }
}
