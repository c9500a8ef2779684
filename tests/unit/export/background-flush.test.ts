import { describe, expect, it } from 'vitest'
import { BackgroundFlush } from '../../../src/main/core/export/background-flush'

describe('BackgroundFlush', () => {
  it('runs one flush at a time and reports a failed one', async () => {
    const calls: (() => void)[] = []
    const failures: Error[] = []
    const file = {
      flush: () =>
        new Promise<void>((resolve, reject) =>
          calls.push(() => {
            const failure = failures.shift()
            if (failure) reject(failure)
            else resolve()
          }),
        ),
    }
    const flush = new BackgroundFlush([file, file])
    flush.poke()
    flush.poke()
    expect(calls).toHaveLength(2) // one flush of both files, the second poke found it running
    calls.splice(0).forEach((finish) => finish())
    await flush.settle()
    failures.push(new Error('EIO'))
    flush.poke()
    calls.splice(0).forEach((finish) => finish())
    await expect(flush.settle()).rejects.toThrow('EIO')
    flush.poke()
    expect(calls).toHaveLength(0) // no more flushing once one failed
  })
})
