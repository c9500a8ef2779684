import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDb } from '../../../src/main/core/store/db'
import { killWriterAfter } from '../../helpers/kill-writer'
import { tempDir } from '../../helpers/temp'

const FULL = 2

function freshDb() {
  const db = openDb(join(tempDir(), 'db.sqlite'))
  db.raw.exec('CREATE TABLE t (v INTEGER NOT NULL) STRICT')
  return db
}

describe('group durability', () => {
  it('commits at once, restores synchronous=FULL, and durable() resolves', async () => {
    const db = freshDb()
    db.transaction(() => db.statement('INSERT INTO t (v) VALUES (1)').run(), 'group')
    expect(db.raw.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1 })
    expect(db.raw.pragma('synchronous', { simple: true })).toBe(FULL)
    await db.durable()
    db.close()
  })

  it('restores synchronous=FULL when the work throws, and the work is rolled back', () => {
    const db = freshDb()
    expect(() =>
      db.transaction(() => {
        db.statement('INSERT INTO t (v) VALUES (1)').run()
        throw new Error('boom')
      }, 'group'),
    ).toThrow('boom')
    expect(db.raw.pragma('synchronous', { simple: true })).toBe(FULL)
    expect(db.raw.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 })
    db.close()
  })

  it('joins an outer transaction as a part of it', () => {
    const db = freshDb()
    expect(() =>
      db.transaction(() => {
        db.transaction(() => db.statement('INSERT INTO t (v) VALUES (1)').run(), 'group')
        throw new Error('outer fails')
      }),
    ).toThrow('outer fails')
    expect(db.raw.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 })
    db.close()
  })

  it('reports a WAL that cannot be synced', async () => {
    const db = openDb(':memory:')
    await expect(db.durable()).rejects.toThrow(/ENOENT/)
    db.close()
  })

  it('keeps every group commit when the writer is killed (SIGKILL) mid-loop', async () => {
    const path = join(tempDir(), 'db.sqlite')
    const committed = await killWriterAfter(path, 300, ['group'])
    const db = openDb(path)
    expect(db.raw.pragma('integrity_check', { simple: true })).toBe('ok')
    const present = new Set(
      (db.raw.prepare('SELECT id FROM projects').all() as { id: string }[]).map((r) => r.id),
    )
    expect(committed.filter((id) => !present.has(id))).toEqual([])
    db.close()
  })
})
