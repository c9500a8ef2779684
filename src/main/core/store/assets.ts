import type { Asset, AssetOrigin, AudioFormat } from '../../../shared/domain'
import { notFound } from '../app-error'
import type { Db } from './db'

interface AssetRow {
  id: string
  project_id: string
  sha256: string
  ext: string
  original_name: string
  format: string
  sample_rate: number
  channels: number
  frames: number
  byte_size: number
  origin: string
  created_at: number
}

export interface AssetRecord extends Asset {
  sha256: string
  ext: string
}

const COLUMNS =
  'id, project_id, sha256, ext, original_name, format, sample_rate, channels, frames, byte_size, origin, created_at'

function toAsset(row: AssetRow): AssetRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.original_name,
    format: row.format as AudioFormat,
    sampleRate: row.sample_rate,
    channels: row.channels,
    frames: row.frames,
    byteSize: row.byte_size,
    origin: row.origin as AssetOrigin,
    createdAt: row.created_at,
    sha256: row.sha256,
    ext: row.ext,
  }
}

/** Public shape without the storage address. */
export function publicAsset({ sha256: _sha, ext: _ext, ...asset }: AssetRecord): Asset {
  return asset
}

export class AssetsTable {
  constructor(private readonly db: Db) {}

  find(id: string): AssetRecord | undefined {
    const row = this.db.statement(`SELECT ${COLUMNS} FROM assets WHERE id = ?`).get(id) as
      AssetRow | undefined
    return row && toAsset(row)
  }

  get(id: string): AssetRecord {
    const asset = this.find(id)
    if (!asset) throw notFound('Asset', id)
    return asset
  }

  findBySha(projectId: string, sha256: string): AssetRecord | undefined {
    const row = this.db
      .statement(`SELECT ${COLUMNS} FROM assets WHERE project_id = ? AND sha256 = ?`)
      .get(projectId, sha256) as AssetRow | undefined
    return row && toAsset(row)
  }

  /** The content store's file names (`<sha256>.<ext>`) that some asset refers to. */
  blobNames(): Set<string> {
    const rows = this.db
      .statement(`SELECT DISTINCT sha256 || '.' || ext AS name FROM assets`)
      .all() as { name: string }[]
    return new Set(rows.map((row) => row.name))
  }

  listByProject(projectId: string): AssetRecord[] {
    const rows = this.db
      .statement(`SELECT ${COLUMNS} FROM assets WHERE project_id = ? ORDER BY created_at`)
      .all(projectId) as AssetRow[]
    return rows.map(toAsset)
  }

  insert(asset: AssetRecord, peaks: Uint8Array): void {
    this.db
      .statement(
        `INSERT INTO assets (${COLUMNS}, peaks) VALUES (@id, @projectId, @sha256, @ext, @name,
           @format, @sampleRate, @channels, @frames, @byteSize, @origin, @createdAt, @peaks)`,
      )
      .run({ ...asset, peaks: Buffer.from(peaks.buffer, peaks.byteOffset, peaks.byteLength) })
  }

  peaks(id: string): Uint8Array {
    const row = this.db.statement('SELECT peaks FROM assets WHERE id = ?').get(id) as
      { peaks: Buffer | null } | undefined
    if (!row) throw notFound('Asset', id)
    if (!row.peaks) throw notFound('Peaks of asset', id)
    return new Uint8Array(row.peaks.buffer, row.peaks.byteOffset, row.peaks.byteLength)
  }
}
