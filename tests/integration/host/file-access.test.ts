import { spawnSync } from 'node:child_process'
import {
  constants,
  mkdirSync,
  openSync,
  closeSync,
  symlinkSync,
  copyFileSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { confinedFileAccess } from '../../../src/main/core/file-access'
import { startCore, type TestCore } from '../../helpers/core'
import { tempDir } from '../../helpers/temp'

let core: TestCore | undefined
const fifos: string[] = []
afterEach(() => {
  // A FIFO import that blocked (the defect) is released by a writer, so the test run can end.
  for (const fifo of fifos.splice(0)) {
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK))
    } catch {
      // No reader waiting: nothing to release.
    }
  }
  core?.close()
  core = undefined
})

function tone(path: string): string {
  const made = spawnSync('sox', [
    '-n',
    '-r',
    '48000',
    '-c',
    '1',
    '-b',
    '16',
    path,
    'synth',
    '0.2',
    'sine',
    '440',
  ])
  expect(made.status).toBe(0)
  return path
}

function fifo(dir: string): string {
  const path = join(dir, 'pipe.wav')
  expect(spawnSync('mkfifo', [path]).status).toBe(0)
  fifos.push(path)
  return path
}

async function importPath(path: string) {
  const project = await core!.call('projects.create', { name: 'Paths' })
  return core!.dispatch('assets.import', { projectId: project.id, path })
}

describe('paths given to the contract', () => {
  it('refuses a FIFO before opening it, and goes on serving files (desktop rules)', async () => {
    const dir = tempDir()
    core = startCore(join(dir, 'data'))
    const refused = await importPath(fifo(dir))
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    if (!refused.ok) expect(refused.error.message).toMatch(/pipe\.wav: is not an ordinary file/)
    expect(await importPath(tone(join(dir, 'tone.wav')))).toMatchObject({ ok: true })
    const device = await importPath('/dev/zero')
    expect(device).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
  })

  describe('browser mode', () => {
    function confined() {
      const home = tempDir()
      const dataDir = join(home, 'data')
      core = startCore(dataDir, { files: confinedFileAccess(home, dataDir) })
      return { home, dataDir }
    }

    it('imports files under its folder', async () => {
      const { home } = confined()
      mkdirSync(join(home, 'Music'))
      expect(await importPath(tone(join(home, 'Music', 'a.wav')))).toMatchObject({ ok: true })
      expect(await importPath('Music/a.wav')).toMatchObject({ ok: true })
    })

    it('refuses the rest with one message that does not tell whether the path exists', async () => {
      const { home, dataDir } = confined()
      const outside = tempDir()
      tone(join(outside, 'real.wav'))
      mkdirSync(join(home, '.ssh'))
      copyFileSync(join(outside, 'real.wav'), join(home, '.ssh', 'id_ed25519'))
      tone(join(dataDir, 'planted.wav'))
      symlinkSync(join(outside, 'real.wav'), join(home, 'link.wav'))
      const messages = new Set<string>()
      for (const [path, exists] of [
        [join(outside, 'real.wav'), true],
        [join(outside, 'missing.wav'), false],
        ['/etc/passwd', true],
        ['/etc/nothing-here', false],
        [join(home, '.ssh', 'id_ed25519'), true],
        [join(home, '.ssh', 'id_rsa'), false],
        [join(home, '..', 'x.wav'), false],
        [join(dataDir, 'planted.wav'), true],
        [join(dataDir, 'musicsketch.sqlite'), true],
        [join(home, 'link.wav'), true],
      ] as const) {
        const result = await importPath(path)
        expect(result, path).toMatchObject({
          ok: false,
          error: { code: 'invalid_input', field: 'path' },
        })
        if (!result.ok)
          messages.add(
            result.error.message
              .replace(/^[^:]*:/, `NAME (exists: ${exists}):`)
              .replace(/ \(exists: (true|false)\)/, ''),
          )
      }
      expect([...messages]).toHaveLength(1)
      expect([...messages][0]).toMatch(/browser mode imports only files under/)
    })

    it('exports only into folders under its folder', async () => {
      const { home, dataDir } = confined()
      const project = await core!.call('projects.create', { name: 'Out' })
      for (const directory of [
        tempDir(),
        '/etc',
        join(home, '.config'),
        dataDir,
        join(home, '..'),
      ]) {
        const result = await core!.dispatch('export.stems', {
          projectId: project.id,
          directory,
          format: 'wav',
          sampleRate: 48000,
        })
        expect(result, directory).toMatchObject({
          ok: false,
          error: { code: 'invalid_input', field: 'directory' },
        })
        if (!result.ok)
          expect(result.error.message).toMatch(/browser mode exports only into folders under/)
      }
      const out = join(home, 'stems')
      mkdirSync(out)
      writeFileSync(join(home, 'note.txt'), '')
      copyFileSync(join(home, 'note.txt'), join(out, 'keep.txt'))
      const result = await core!.dispatch('export.stems', {
        projectId: project.id,
        directory: out,
        format: 'wav',
        sampleRate: 48000,
      })
      // An empty project: refused for that, not for the folder.
      if (!result.ok) expect(result.error.field).not.toBe('directory')
    })
  })
})
