import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DatabaseTooNewError, openDb, type Db } from '../../../src/main/core/store/db'
import { openDatabaseFile } from '../../../src/main/core/store/driver'
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/main/core/store/migrations'
import { tempDir } from '../../helpers/temp'

function openAt(dir: string, version: number): Db {
  return openDb(join(dir, 'db.sqlite'), { targetVersion: version })
}

function tables(db: Db): string[] {
  return (
    db.raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string
    }[]
  ).map((row) => row.name)
}

describe('migration runner', () => {
  it('numbers migrations 1..N with no gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(
      Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
    )
  })

  it('opens a new database at the newest version with WAL, foreign keys and STRICT tables', () => {
    const db = openAt(tempDir(), SCHEMA_VERSION)
    expect(db.userVersion).toBe(SCHEMA_VERSION)
    expect(db.raw.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.raw.pragma('foreign_keys', { simple: true })).toBe(1)
    const sql = db.raw.prepare("SELECT sql FROM sqlite_master WHERE type = 'table'").all() as {
      sql: string
    }[]
    for (const { sql: text } of sql) expect(text).toMatch(/\)\s*STRICT$/)
    db.close()
  })

  it('rolls a failing migration back entirely, version unchanged', () => {
    const dir = tempDir()
    const db = openAt(dir, 1)
    db.raw.exec('CREATE TABLE assets (id TEXT) STRICT') // makes migration 2 fail half-way
    db.close()
    expect(() => openAt(dir, 2)).toThrow(/already exists/)
    const again = openDatabaseFile(join(dir, 'db.sqlite'))
    expect(again.pragma('user_version', { simple: true })).toBe(1)
    expect(
      again.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'clips'").get(),
    ).toEqual({ n: 0 })
    again.close()
  })

  it('refuses a database written by a newer app and leaves it byte-for-byte untouched', () => {
    const dir = tempDir()
    const path = join(dir, 'db.sqlite')
    const raw = openDatabaseFile(path)
    raw.exec('CREATE TABLE future (x INTEGER) STRICT; INSERT INTO future VALUES (1)')
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`)
    raw.close()
    const before = createHash('sha256').update(readFileSync(path)).digest('hex')
    expect(() => openDb(path)).toThrow(DatabaseTooNewError)
    expect(() => openDb(path)).toThrow(/newer MusicSketch.*left untouched/)
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(before)
  })
})

describe('migration 1: projects, tracks, settings', () => {
  it('creates the tables from an empty file', () => {
    const db = openAt(tempDir(), 1)
    expect(db.userVersion).toBe(1)
    expect(tables(db)).toEqual(['projects', 'settings', 'tracks'])
    db.raw
      .prepare('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, 1, 1)')
      .run('p1', 'A')
    expect(db.raw.prepare('SELECT sample_rate FROM projects').get()).toEqual({ sample_rate: 48000 })
    expect(() =>
      db.raw
        .prepare("INSERT INTO tracks (id, project_id, name, position) VALUES ('t', 'nope', 'x', 0)")
        .run(),
    ).toThrow(/FOREIGN KEY/)
    db.close()
  })
})

describe('migration 2: assets, clips', () => {
  it('keeps projects and tracks and adds assets and clips tied to them', () => {
    const dir = tempDir()
    const v1 = openAt(dir, 1)
    v1.raw.exec(`
      INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p1', 'Song', 1, 2);
      INSERT INTO tracks (id, project_id, name, position, gain_db, mute) VALUES ('t1', 'p1', 'Drums', 0, -3.5, 1);
      INSERT INTO settings (key, value) VALUES ('theme', '"dark"');
    `)
    v1.close()

    const v2 = openAt(dir, 2)
    expect(v2.userVersion).toBe(2)
    expect(v2.raw.prepare('SELECT * FROM projects').all()).toEqual([
      expect.objectContaining({ id: 'p1', name: 'Song', created_at: 1, updated_at: 2 }),
    ])
    expect(v2.raw.prepare('SELECT gain_db, mute FROM tracks').get()).toEqual({
      gain_db: -3.5,
      mute: 1,
    })
    expect(v2.raw.prepare('SELECT value FROM settings').get()).toEqual({ value: '"dark"' })
    v2.raw.exec(`
      INSERT INTO assets (id, project_id, sha256, ext, original_name, format, sample_rate, channels, frames, byte_size, origin, created_at)
        VALUES ('a1', 'p1', 'ab', 'wav', 'x.wav', 'wav', 32000, 2, 100, 400, 'import', 3);
      INSERT INTO clips (id, track_id, asset_id, start, length, created_at) VALUES ('c1', 't1', 'a1', 0, 100, 3);
    `)
    expect(() => v2.raw.exec("DELETE FROM assets WHERE id = 'a1'")).toThrow(/FOREIGN KEY/)
    v2.raw.exec("DELETE FROM projects WHERE id = 'p1'")
    expect(v2.raw.prepare('SELECT count(*) AS n FROM clips').get()).toEqual({ n: 0 })
    v2.close()
  })
})

describe('migration 3: generations', () => {
  it('keeps assets and clips and adds takes that reference them', () => {
    const dir = tempDir()
    const v2 = openAt(dir, 2)
    v2.raw.exec(`
      INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p1', 'Song', 1, 2);
      INSERT INTO tracks (id, project_id, name, position) VALUES ('t1', 'p1', 'Keys', 0);
      INSERT INTO assets (id, project_id, sha256, ext, original_name, format, sample_rate, channels, frames, byte_size, origin, created_at)
        VALUES ('a1', 'p1', 'ab', 'wav', 'x.wav', 'wav', 32000, 2, 100, 400, 'import', 3);
      INSERT INTO clips (id, track_id, asset_id, start, offset, length, fade_in, created_at) VALUES ('c1', 't1', 'a1', 10, 5, 90, 4, 3);
    `)
    v2.close()

    const v3 = openAt(dir, 3)
    expect(v3.userVersion).toBe(3)
    expect(v3.raw.prepare('SELECT start, offset, length, fade_in FROM clips').get()).toEqual({
      start: 10,
      offset: 5,
      length: 90,
      fade_in: 4,
    })
    v3.raw.exec(`
      INSERT INTO generations (id, project_id, provider, params, seed, input_asset_id, parent_clip_id, status, created_at, updated_at)
        VALUES ('g1', 'p1', 'replicate', '{"prompt":"x"}', 42, 'a1', 'c1', 'queued', 4, 4);
    `)
    expect(() =>
      v3.raw.exec(
        "INSERT INTO generations (id, project_id, provider, params, status, created_at, updated_at) VALUES ('g2', 'p1', 'openai', '{}', 'queued', 4, 4)",
      ),
    ).toThrow(/CHECK/)
    v3.close()
  })
})
