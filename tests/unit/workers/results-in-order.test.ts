import { describe, expect, it } from 'vitest'
import { resultsInOrder } from '../../../src/main/core/workers/results-in-order'

const pair = { parallelism: 2 }

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

describe('resultsInOrder', () => {
  it('yields in order results that arrive out of order, with at most 4 running for 2 workers', async () => {
    let running = 0
    let most = 0
    const out: number[] = []
    for await (const value of resultsInOrder(9, pair, async (k) => {
      running++
      most = Math.max(most, running)
      await delay(((k * 7) % 5) * 3)
      running--
      return k * 10
    })) {
      out.push(value)
    }
    expect(out).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80])
    expect(most).toBe(4)
  })

  it('rejects at the failed result, after the ones before it', async () => {
    const out: number[] = []
    const run = async () => {
      for await (const value of resultsInOrder(5, pair, async (k) => {
        await delay(k === 2 ? 1 : 10)
        if (k === 2) throw new Error('task 2 failed')
        return k
      })) {
        out.push(value)
      }
    }
    await expect(run()).rejects.toThrow('task 2 failed')
    expect(out).toEqual([0, 1])
  })

  it('starts no more tasks once the caller stops', async () => {
    const started: number[] = []
    for await (const value of resultsInOrder(20, pair, (k) => {
      started.push(k)
      return Promise.resolve(k)
    })) {
      if (value === 1) break
    }
    expect(started.length).toBeLessThanOrEqual(6)
  })
})
