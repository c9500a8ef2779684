import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startCore } from '../../helpers/core'
import { tempDir } from '../../helpers/temp'

describe('take stars', () => {
  it('stars and unstars takes of a project, kept across a restart, gone with the take', async () => {
    const dir = tempDir()
    let core = startCore(join(dir, 'data'))
    const project = await core.call('projects.create', { name: 'Stars' })
    const takes = await core.call('generations.create', {
      projectId: project.id,
      provider: 'cog',
      params: { prompt: 'brass stabs', duration: 4 },
      takes: 2,
    })
    const [first, second] = takes.map((take) => take.id)
    expect(await core.call('takes.starred', { projectId: project.id })).toEqual([])
    expect(await core.call('takes.star', { generationId: second!, starred: true })).toEqual({
      generationId: second,
      starred: true,
    })
    await core.call('takes.star', { generationId: first!, starred: true })
    await core.call('takes.star', { generationId: first!, starred: false })
    core.close()

    core = startCore(join(dir, 'data'))
    expect(await core.call('takes.starred', { projectId: project.id })).toEqual([second])
    await core.call('generations.cancel', { generationId: second! })
    // Deleting waits for the canceled request to let go of the take.
    await expect
      .poll(async () => (await core.dispatch('generations.delete', { generationId: second! })).ok)
      .toBe(true)
    expect(await core.call('takes.starred', { projectId: project.id })).toEqual([])
    const unknown = await core.dispatch('takes.star', {
      generationId: '00000000-0000-4000-8000-000000000000',
      starred: true,
    })
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } })
    core.close()
  })
})
