import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDb } from '../../../src/main/core/store/db'
import { bundleChild } from '../../helpers/bundle'
import { tempDir } from '../../helpers/temp'

describe('crash safety', () => {
  it('keeps every committed row and an intact file when the writer is killed mid-loop', async () => {
    const child = await bundleChild(join(import.meta.dirname, '../children/write-loop.ts'))
    const path = join(tempDir(), 'db.sqlite')
    const writer = spawn(process.execPath, [child, path], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    writer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))

    const committed: string[] = []
    let buffered = ''
    await new Promise<void>((resolve, reject) => {
      writer.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString()
        const lines = buffered.split('\n')
        buffered = lines.pop() ?? ''
        committed.push(...lines)
        if (committed.length >= 300 && writer.exitCode === null) writer.kill('SIGKILL')
      })
      writer.once('exit', (code, signal) =>
        signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited ${code}: ${stderr}`)),
      )
    })

    const db = openDb(path)
    expect(db.raw.pragma('integrity_check', { simple: true })).toBe('ok')
    const present = new Set(
      (db.raw.prepare('SELECT id FROM projects').all() as { id: string }[]).map((r) => r.id),
    )
    const missing = committed.filter((id) => !present.has(id))
    expect(missing).toEqual([])
    // Each committed project has all four of its tracks: transactions are all-or-nothing.
    const partial = db.raw
      .prepare('SELECT project_id FROM tracks GROUP BY project_id HAVING count(*) <> 4')
      .all()
    expect(partial).toEqual([])
    expect(present.size).toBeGreaterThanOrEqual(committed.length)
    db.close()
  })
})
