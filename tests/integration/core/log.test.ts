import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createFileLog } from '../../../src/main/core/log'
import { tempDir } from '../../helpers/temp'

describe('file log', () => {
  it('never throws when the disk is full (/dev/full answers every write with ENOSPC)', () => {
    const log = createFileLog('/dev/full')
    expect(() => {
      log.info('an import finished')
      log.warn('a take failed', { attempt: 2 })
      log.error('projects.create failed', { error: 'SqliteError: database or disk is full' })
    }).not.toThrow()
  })

  it('never throws when its folder cannot be made', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'logs'), 'a file where the log folder should be')
    expect(() =>
      createFileLog(join(dir, 'logs', 'sub', 'musicsketch.log')).error('y'),
    ).not.toThrow()
  })
})
