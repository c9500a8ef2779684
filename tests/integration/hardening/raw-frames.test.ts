import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { MAX_ERROR_MESSAGE } from '../../../src/main/core/dispatch'
import { MAX_FRAME_BYTES, startHost, type Host } from '../../../src/main/host/server'
import { startCore, type TestCore } from '../../helpers/core'
import { tempDir } from '../../helpers/temp'
import { frameCorpus } from './frame-corpus'
import { parseServerFrames, sendRaw } from './raw-socket'

let host: Host
let core: TestCore
beforeAll(async () => {
  const dir = tempDir()
  const rendererDir = join(dir, 'renderer')
  mkdirSync(rendererDir)
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>MusicSketch</title>')
  core = startCore(join(dir, 'data'))
  host = await startHost({ core, rendererDir, log: core.log })
})
afterAll(async () => {
  await host.close()
  core.close()
})

/** A fresh, well-behaved connection still gets its answer. */
async function answersAppInfo(): Promise<boolean> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/rpc?token=${host.token}`)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 5000)
    ws.on('error', () => resolve(false))
    ws.on('open', () => ws.send(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'app.info' })))
    ws.on('message', (data: Buffer) => {
      const answer = JSON.parse(data.toString()) as { id?: number; result?: { ok: boolean } }
      if (answer.id !== 7) return
      clearTimeout(timer)
      ws.close()
      resolve(answer.result?.ok === true)
    })
  })
}

describe('raw-frame corpus', () => {
  it('survives every malformed or hostile frame and keeps every error message short', async () => {
    const corpus = frameCorpus(MAX_FRAME_BYTES)
    expect(corpus.length).toBeGreaterThanOrEqual(95)
    const failures: string[] = []
    let maxMs = 0
    let longestError = 0
    for (const entry of corpus) {
      const started = performance.now()
      const outcome = entry.answered
        ? await sendRaw(host.port, host.token, entry.bytes, 20_000, true)
        : await sendRaw(host.port, host.token, entry.bytes, 250)
      if (entry.answered && parseServerFrames(outcome.received).length === 0) {
        failures.push(`${entry.name}: no answer`)
      }
      for (const sent of parseServerFrames(outcome.received)) {
        if (sent.opcode !== 0x1) continue
        const answer = JSON.parse(sent.payload.toString()) as {
          result?: { ok: boolean; error?: { message: string; field?: string } }
          error?: { message: string }
        }
        const message = answer.result?.error?.message ?? answer.error?.message ?? ''
        const field = answer.result?.error?.field ?? ''
        longestError = Math.max(longestError, message.length, field.length)
      }
      maxMs = Math.max(maxMs, performance.now() - started)
      if (!(await answersAppInfo())) failures.push(entry.name)
    }
    const rssMb = Math.round(process.resourceUsage().maxRSS / 1024)
    console.info(
      `raw-frame corpus: ${corpus.length} inputs, ${failures.length} crashes or hangs, ` +
        `max ${Math.round(maxMs)} ms per frame (250 ms of it waiting), max RSS ${rssMb} MB, ` +
        `longest error ${longestError} characters`,
    )
    expect(failures).toEqual([])
    expect(longestError).toBeLessThanOrEqual(MAX_ERROR_MESSAGE)
  })
})
