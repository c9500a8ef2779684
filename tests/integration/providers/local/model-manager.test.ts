import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, readdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LocalModelManager } from '../../../../src/main/core/providers/local/model-manager'
import type { LocalModelStatus } from '../../../../src/shared/local-model'
import { type ModelHub, startModelHub } from '../../../fakes/model-hub'
import { TINY_MODEL } from '../../../helpers/local-engine-script'
import { tempDir } from '../../../helpers/temp'

const silent = { info() {}, warn() {}, error() {}, debug() {} } as never
const manifest = JSON.parse(readFileSync(join(TINY_MODEL, 'manifest.json'), 'utf8')) as {
  files: { path: string; size: number; sha256: string }[]
}
const DECODER = 'onnx/decoder_model_merged.onnx'

let hub: ModelHub | null = null
afterEach(async () => {
  await hub?.close()
  hub = null
})

function manager(
  dataDir: string,
  hubUrl: string,
  events: LocalModelStatus[] = [],
): LocalModelManager {
  return new LocalModelManager({
    dataDir,
    fetch,
    hubUrl: () => hubUrl,
    log: silent,
    onChange: (s) => events.push(s),
  })
}

function sha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}

describe('local model manager against a loopback hub', () => {
  it('downloads every file, checks it and installs the folder with progress', async () => {
    hub = await startModelHub(TINY_MODEL)
    const data = tempDir()
    const events: LocalModelStatus[] = []
    const m = manager(data, hub.url, events)
    const status = await m.download()
    expect(status.error).toBeNull()
    expect(status.status).toMatchObject({ state: 'installed', path: m.modelDir, continues: true })
    for (const f of manifest.files) expect(sha(join(m.modelDir, f.path))).toBe(f.sha256)
    const downloading = events.filter((e) => e.status.state === 'downloading')
    expect(downloading.length).toBeGreaterThan(0)
    expect(readdirSync(join(data, 'models', '.partial'))).toEqual([])
  })

  it('resumes an interrupted file with a Range request', async () => {
    hub = await startModelHub(TINY_MODEL)
    const data = tempDir()
    const m = manager(data, hub.url)
    hub.cutAfter(DECODER, 100_000)
    const first = await m.download()
    expect(first.error?.code).toBe('offline')
    expect(first.error?.message).toMatch(/resume/)
    const second = await m.download()
    expect(second.error).toBeNull()
    expect(second.status.state).toBe('installed')
    const ranges = hub.requests.filter((r) => r.path === DECODER).map((r) => r.range)
    expect(ranges).toEqual(['', 'bytes=100000-'])
    expect(sha(join(m.modelDir, DECODER))).toBe(
      manifest.files.find((f) => f.path === DECODER)!.sha256,
    )
  })

  it('refuses a file whose checksum does not match, and installs nothing', async () => {
    hub = await startModelHub(TINY_MODEL)
    const data = tempDir()
    const m = manager(data, hub.url)
    hub.corrupt(DECODER)
    const status = await m.download()
    expect(status.error?.code).toBe('checksum_mismatch')
    expect(status.error?.message).toContain(DECODER)
    expect(status.status.state).toBe('absent')
    expect(await m.installed()).toBeNull()
  })

  it('says the disk is full when a write fails with ENOSPC', async () => {
    hub = await startModelHub(TINY_MODEL)
    const data = tempDir()
    const m = manager(data, hub.url)
    // The staging file of the decoder is /dev/full, where every write fails with ENOSPC.
    const staging = join(data, 'models', '.partial', 'musicgen-small', 'onnx')
    mkdirSync(staging, { recursive: true })
    symlinkSync('/dev/full', join(staging, 'decoder_model_merged.onnx'))
    const status = await m.download()
    expect(status.error?.code).toBe('disk_full')
    expect(status.error?.message).toMatch(/Not enough free disk space/)
    expect(status.status.state).toBe('absent')
  })

  it('says what to do when the hub cannot be reached', async () => {
    hub = await startModelHub(TINY_MODEL)
    const closedUrl = hub.url
    await hub.close()
    hub = null
    const m = manager(tempDir(), closedUrl)
    const status = await m.download()
    expect(status.error?.code).toBe('offline')
    expect(status.error?.message).toContain(closedUrl)
    expect(status.error?.message).toMatch(/check the network, or the hub address in Settings/)
  })

  it('a second download of the installed model fetches only the manifest and keeps it installed', async () => {
    hub = await startModelHub(TINY_MODEL)
    const data = tempDir()
    const m = manager(data, hub.url)
    await m.download()
    const before = hub.requests.length
    const concurrent = await Promise.all([m.download(), m.download()])
    expect(concurrent[0]).toEqual(concurrent[1])
    expect(concurrent[0].status.state).toBe('installed')
    // Two calls while one runs share it; the hub's manifest matches what is installed, so no
    // file is fetched again.
    expect(hub.requests.slice(before)).toEqual([{ path: 'manifest.json', range: '' }])
    expect(sha(join(m.modelDir, DECODER))).toBe(
      manifest.files.find((f) => f.path === DECODER)!.sha256,
    )
  })

  it('delete removes the model', async () => {
    hub = await startModelHub(TINY_MODEL)
    const m = manager(tempDir(), hub.url)
    await m.download()
    const status = await m.delete()
    expect(status.status.state).toBe('absent')
    expect(await m.installed()).toBeNull()
  })
})
