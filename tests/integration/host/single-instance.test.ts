import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  claimInstance,
  type InstanceClaim,
  instanceSocketPath,
} from '../../../src/main/host/single-instance'
import { tempDir } from '../../helpers/temp'

type First = Extract<InstanceClaim, { kind: 'first' }>

function expectFirst(claim: InstanceClaim): First {
  if (claim.kind !== 'first') throw new Error(`expected to be first, got ${claim.kind}`)
  return claim
}

describe('one browser-mode host per data directory', () => {
  it('tells a later start the URL of the running one, once it is published', async () => {
    const dir = tempDir()
    const first = expectFirst(await claimInstance(dir))
    const second = claimInstance(dir)
    first.publish('http://127.0.0.1:1234/?token=abc')
    expect(await second).toEqual({ kind: 'running', url: 'http://127.0.0.1:1234/?token=abc' })
    expect(await claimInstance(dir)).toEqual({
      kind: 'running',
      url: 'http://127.0.0.1:1234/?token=abc',
    })
    await first.release()
    expect(existsSync(instanceSocketPath(dir))).toBe(false)
    await expectFirst(await claimInstance(dir)).release()
  })

  it('lets exactly one of two simultaneous starts be first', async () => {
    const dir = tempDir()
    const claims = [claimInstance(dir), claimInstance(dir)]
    const first = expectFirst(await Promise.race(claims))
    first.publish('http://127.0.0.1:1/?token=t')
    const both = await Promise.all(claims)
    expect(both.map((claim) => claim.kind).sort()).toEqual(['first', 'running'])
    await first.release()
  })

  it('lets exactly one of two starts take over the socket a killed host left behind', async () => {
    const dir = tempDir()
    const path = instanceSocketPath(dir)
    const script = `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise((resolve) => child.stdout.once('data', resolve))
    child.kill('SIGKILL')
    await new Promise((resolve) => child.once('exit', resolve))
    expect(existsSync(path)).toBe(true)
    const claims = [claimInstance(dir), claimInstance(dir)]
    const first = expectFirst(await Promise.race(claims))
    first.publish('http://127.0.0.1:2/?token=t')
    expect((await Promise.all(claims)).map((claim) => claim.kind).sort()).toEqual([
      'first',
      'running',
    ])
    await first.release()
  })

  it('a host that stops before publishing lets the waiting start take over', async () => {
    const dir = tempDir()
    const first = expectFirst(await claimInstance(dir))
    const second = claimInstance(dir)
    // The waiting start must be connected before the first goes away.
    await new Promise((resolve) => setImmediate(resolve))
    await first.release()
    await expectFirst(await second).release()
  })

  it('keeps deep data directories under the socket path limit', () => {
    const deep = join('/tmp', 'x'.repeat(150))
    expect(Buffer.byteLength(instanceSocketPath(deep))).toBeLessThan(104)
    expect(instanceSocketPath(deep)).not.toBe(instanceSocketPath(`${deep}y`))
    expect(instanceSocketPath('C:\\Users\\a\\MusicSketch', 'win32')).toMatch(
      /^\\\\\.\\pipe\\musicsketch-[0-9a-f]{24}$/,
    )
  })
})
