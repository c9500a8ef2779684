import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startCore, type TestCore } from '../../helpers/core'
import { tempDir } from '../../helpers/temp'

const realHome = process.env.HOME

afterEach(() => {
  process.env.HOME = realHome
})

async function projectWithClip(core: TestCore, dir: string): Promise<string> {
  const path = join(dir, 'tone.wav')
  const made = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=d=1:r=48000', path])
  if (made.status !== 0) throw new Error(String(made.stderr))
  const project = await core.call('projects.create', { name: 'Folder test' })
  const track = await core.call('tracks.create', { projectId: project.id })
  const asset = await core.call('assets.import', { projectId: project.id, path })
  await core.call('clips.create', { trackId: track.id, assetId: asset.id, start: 0 })
  return project.id
}

describe('export folder', () => {
  it("reads a relative folder and ~ from the user's home, not the app's working folder", async () => {
    const dir = tempDir()
    const home = join(dir, 'home')
    mkdirSync(join(home, 'Music', 'out'), { recursive: true })
    process.env.HOME = home
    const core = startCore(join(dir, 'data'))
    const projectId = await projectWithClip(core, dir)
    const relative = await core.call('export.stems', {
      projectId,
      directory: 'Music/out',
      format: 'wav',
      sampleRate: 48000,
    })
    expect(relative.directory).toBe(join(home, 'Music', 'out'))
    expect(readdirSync(join(home, 'Music', 'out'))).toContain('Folder test - Mix.wav')
    const tilde = await core.call('export.stems', {
      projectId,
      directory: '~/Music/out',
      format: 'wav',
      sampleRate: 48000,
      overwrite: true,
    })
    expect(tilde.directory).toBe(join(home, 'Music', 'out'))
    expect(existsSync(join(process.cwd(), 'Music'))).toBe(false)
    core.close()
  })

  it('creates a missing folder only when asked, and says which folder is missing otherwise', async () => {
    const dir = tempDir()
    const core = startCore(join(dir, 'data'))
    const projectId = await projectWithClip(core, dir)
    const target = join(dir, 'new', 'deeper')
    const refused = await core.dispatch('export.stems', {
      projectId,
      directory: target,
      format: 'wav',
      sampleRate: 48000,
    })
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'not_found',
        field: 'directory',
        message: `the folder ${target} does not exist`,
      },
    })
    expect(existsSync(target)).toBe(false)
    const made = await core.call('export.stems', {
      projectId,
      directory: target,
      format: 'wav',
      sampleRate: 48000,
      createDirectory: true,
    })
    expect(made.files.length).toBeGreaterThan(0)
    expect(readdirSync(target).sort()).toEqual([...made.files].sort())
    core.close()
  })
})
