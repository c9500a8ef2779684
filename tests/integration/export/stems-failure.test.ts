import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/main/core/app-error'
import { exportStems } from '../../../src/main/core/export/stems'
import { InlineRunner } from '../../../src/main/core/workers/task-runner'
import type { TaskRunner } from '../../../src/main/core/workers/types'
import { makeTempDir } from '../../helpers/audio'
import { mixedProject, writeSources } from './project-fixture'
import { coreTaskHandlers, type CoreTasks } from '../../../src/main/core/task-table'

const tmp = makeTempDir('stems-failure')
const assets = writeSources(tmp.dir)
afterAll(() => tmp.cleanup())

/** The inline runner, with `before` run ahead of the nth task (0-based). */
function runnerWith(n: number, before: () => void): TaskRunner<CoreTasks> {
  const inline = new InlineRunner(coreTaskHandlers)
  let count = 0
  return {
    parallelism: 1,
    run: (kind, input) => {
      if (count++ === n) before()
      return inline.run(kind, input)
    },
    close: () => Promise.resolve(),
  }
}

let dirs = 0
function exportWith(
  tasksFor: (directory: string) => TaskRunner<CoreTasks>,
  format: 'wav' | 'flac' = 'wav',
  signal?: AbortSignal,
) {
  const directory = join(tmp.dir, `out-${++dirs}`)
  mkdirSync(directory)
  const tasks = tasksFor(directory)
  const run = exportStems({
    project: mixedProject(false),
    assets,
    takes: new Map(),
    directory,
    format,
    bitDepth: 24,
    sampleRate: 48000,
    protection: 'limiter',
    includeMix: true,
    overwrite: false,
    onProgress: () => undefined,
    now: 0,
    tasks,
    ...(signal ? { signal } : {}),
  })
  return { directory, run }
}

describe('stems export failures', () => {
  it.each(['wav', 'flac'] as const)(
    'removes every file when a task fails (disk full), %s',
    async (format) => {
      const full = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })
      const { directory, run } = exportWith(
        () =>
          runnerWith(1, () => {
            throw full
          }),
        format,
      )
      await expect(run).rejects.toMatchObject({ message: 'the disk is full: nothing was exported' })
      expect(readdirSync(directory)).toEqual([])
    },
  )

  it.each(['wav', 'flac'] as const)(
    'reports a folder removed while rendering, %s',
    async (format) => {
      const { run } = exportWith(
        (directory) => runnerWith(1, () => rmSync(directory, { recursive: true })),
        format,
      )
      await expect(run).rejects.toMatchObject({
        code: 'not_found',
        message: 'the export folder disappeared while writing: nothing was exported',
      })
    },
  )

  it.each(['wav', 'flac'] as const)(
    'stops when canceled and removes what it wrote, %s',
    async (format) => {
      const controller = new AbortController()
      const canceled = new AppError('canceled', 'the export was canceled: nothing was written')
      const { directory, run } = exportWith(
        () => runnerWith(1, () => controller.abort(canceled)),
        format,
        controller.signal,
      )
      await expect(run).rejects.toBe(canceled)
      expect(readdirSync(directory)).toEqual([])
    },
  )

  it('keeps a file that appeared meanwhile and takes back the files it had put in place', async () => {
    const { directory, run } = exportWith((directory) =>
      runnerWith(0, () => writeFileSync(join(directory, 'Equality - stems.json'), 'theirs')),
    )
    await expect(run).rejects.toMatchObject({ code: 'conflict' })
    // The audio files were linked into place before the sidecar failed: they are gone again.
    expect(readdirSync(directory)).toEqual(['Equality - stems.json'])
    expect(readFileSync(join(directory, 'Equality - stems.json'), 'utf8')).toBe('theirs')
  })
})
