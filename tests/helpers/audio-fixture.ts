import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { makeTempDir, writeTestSignal } from './audio'

/**
 * A test file's temporary folder, removed after its tests, holding a source file that `make(dir)`
 * writes before they run (it returns the file's path: `source()`).
 */
export function sourceFixture(
  prefix: string,
  make: (dir: string) => string,
): { dir: string; source: () => string } {
  const tmp = makeTempDir(prefix)
  let path = ''
  beforeAll(() => {
    path = make(tmp.dir)
  })
  afterAll(() => tmp.cleanup())
  return { dir: tmp.dir, source: () => path }
}

/** A sourceFixture whose source is writeTestSignal's signal, as `source.wav`. */
export function testSignalFixture(
  prefix: string,
  rate: number,
  seconds: number,
): { dir: string; source: () => string } {
  return sourceFixture(prefix, (dir) => {
    const path = join(dir, 'source.wav')
    writeTestSignal(path, rate, seconds)
    return path
  })
}
