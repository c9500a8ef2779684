import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DATABASE_FILE } from '../../../src/main/core/core'
import { GenerationsTable } from '../../../src/main/core/store/generations'
import { openDb } from '../../../src/main/core/store/db'
import type { Events } from '../../../src/shared/api'
import type { TakeCursor, TakePage, TakeSummary, TakeView } from '../../../src/shared/takes'
import { startCore, type TestCore } from '../../helpers/core'
import { buildTakesProject, type TakesFixture } from '../../helpers/takes-fixture'
import { tempDir } from '../../helpers/temp'

const TAKES = 1234

describe('the takes list, a page at a time', () => {
  let dataDir: string
  let fixture: TakesFixture
  let core: TestCore

  beforeAll(async () => {
    dataDir = join(tempDir(), 'data')
    fixture = await buildTakesProject(dataDir, { takes: TAKES, starEvery: 7 })
    core = startCore(dataDir, { workerScript: null })
  })
  afterAll(() => core.close())

  async function everyPage(
    view: TakeView,
    prompt: string | null,
    limit: number,
  ): Promise<{ takes: TakeSummary[]; totals: number[]; pages: number }> {
    const takes: TakeSummary[] = []
    const totals: number[] = []
    let after: TakeCursor | null = null
    let pages = 0
    do {
      const page: TakePage = await core.call('generations.list', {
        projectId: fixture.projectId,
        view,
        prompt,
        after,
        limit,
      })
      pages++
      takes.push(...page.takes)
      totals.push(page.total)
      after = page.next
    } while (after !== null)
    return { takes, totals, pages }
  }

  it('pages through every take newest first, each once, with the total on every page', async () => {
    const { takes, totals, pages } = await everyPage('all', null, 100)
    expect(takes.map((take) => take.id)).toEqual(fixture.ids)
    expect(pages).toBe(Math.ceil(TAKES / 100))
    expect(new Set(totals)).toEqual(new Set([TAKES]))
    const first = await core.call('generations.list', { projectId: fixture.projectId })
    expect(first.takes).toHaveLength(100)
    expect(first.total).toBe(TAKES)
  })

  it('filters ready, failed, starred and by prompt in the store, in the same order', async () => {
    const expected = (keep: (id: string) => boolean) => fixture.ids.filter(keep)
    const ready = await everyPage('ready', null, 250)
    expect(ready.takes.map((t) => t.id)).toEqual(
      expected((id) => fixture.statusOf.get(id) === 'succeeded'),
    )
    expect(ready.totals[0]).toBe(ready.takes.length)
    const failed = await everyPage('failed', null, 250)
    expect(failed.takes.map((t) => t.id)).toEqual(
      expected((id) => ['failed', 'canceled'].includes(fixture.statusOf.get(id)!)),
    )
    const starred = await everyPage('starred', null, 250)
    expect(starred.takes.map((t) => t.id)).toEqual(expected((id) => fixture.starred.has(id)))
    const prompt = fixture.prompts[2]!
    const ofPrompt = await everyPage('failed', prompt, 30)
    expect(ofPrompt.takes.map((t) => t.id)).toEqual(
      expected(
        (id) =>
          fixture.promptOf.get(id) === prompt &&
          ['failed', 'canceled'].includes(fixture.statusOf.get(id)!),
      ),
    )
    const none = await core.call('generations.list', {
      projectId: fixture.projectId,
      prompt: 'no such prompt',
    })
    expect(none).toEqual({ takes: [], total: 0, next: null })
  })

  it('sends only what a row shows: prompt, status, audio shape; details come by id', async () => {
    const page = await core.call('generations.list', { projectId: fixture.projectId, limit: 50 })
    const ready = page.takes.find((take) => take.status === 'succeeded')!
    expect(Object.keys(ready).sort()).toEqual(
      [
        'audio',
        'chain',
        'completedAt',
        'cost',
        'createdAt',
        'duration',
        'error',
        'id',
        'outputAssetId',
        'parentClipId',
        'parentGenerationId',
        'progress',
        'prompt',
        'provider',
        'seed',
        'startedAt',
        'status',
        'waitingReason',
      ].sort(),
    )
    expect(ready).toMatchObject({ prompt: fixture.promptOf.get(ready.id), duration: 8 })
    expect(ready.audio).toMatchObject({ assetId: ready.outputAssetId, format: 'wav' })
    expect(ready.audio!.frames).toBeGreaterThan(0)
    const failed = page.takes.find((take) => take.status === 'failed')!
    expect(failed.audio).toBeNull()
    expect(failed.error?.message).toMatch(/GPU memory/)
    const full = await core.call('generations.get', { generationId: ready.id })
    expect(full.params).toMatchObject({
      prompt: ready.prompt,
      model_version: 'stereo-melody-large',
    })
    expect(await core.call('generations.ofAsset', { assetId: ready.outputAssetId! })).toMatchObject(
      { outputAssetId: ready.outputAssetId },
    )
  })

  it('lists each prompt once, most recently used first', async () => {
    const prompts = await core.call('takes.prompts', { projectId: fixture.projectId })
    const byRecency = [...new Set(fixture.ids.map((id) => fixture.promptOf.get(id)!))]
    expect(prompts).toEqual(byRecency)
  })

  it('refuses a page size out of range and an unknown view, naming the field', async () => {
    for (const limit of [0, 1001, 2.5]) {
      const result = await core.dispatch('generations.list', {
        projectId: fixture.projectId,
        limit,
      })
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'limit' } })
    }
    const view = await core.dispatch('generations.list', {
      projectId: fixture.projectId,
      view: 'loud' as TakeView,
    })
    expect(view).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'view' } })
  })

  it('follows every change of a take with its row (take.changed), first in the list', async () => {
    const seen: Events['take.changed'][] = []
    const off = core.events.onAny((event, payload) => {
      if (event === 'take.changed') seen.push(payload as Events['take.changed'])
    })
    const [created] = await core.call('generations.create', {
      projectId: fixture.projectId,
      provider: 'cog',
      params: { prompt: 'a new idea', duration: 4 },
    })
    await expect.poll(() => seen.some((change) => change.take.id === created!.id)).toBe(true)
    off()
    const change = seen.find((c) => c.take.id === created!.id)!
    expect(change.projectId).toBe(fixture.projectId)
    expect(change.take).toMatchObject({ prompt: 'a new idea', duration: 4, audio: null })
    const first = await core.call('generations.list', { projectId: fixture.projectId, limit: 1 })
    expect(first.takes[0]!.id).toBe(created!.id)
    expect(first.total).toBe(TAKES + 1)
    await core.call('generations.cancel', { generationId: created!.id })
  })
})

describe('a chain of continuations in the takes list', () => {
  it('gives each segment its place: counted through parents and the newest continuation', async () => {
    const dataDir = join(tempDir(), 'data')
    const fixture = await buildTakesProject(dataDir, { takes: 3, sounds: 1 })
    let core = startCore(dataDir, { workerScript: null })
    const [track] = (await core.call('projects.get', { projectId: fixture.projectId })).tracks
    const first = await core.call('generations.get', { generationId: fixture.ids[0]! })
    const clip = await core.call('clips.create', {
      trackId: track!.id,
      assetId: first.outputAssetId!,
      start: 0,
    })
    core.close()

    const db = openDb(join(dataDir, DATABASE_FILE))
    const store = new GenerationsTable(db, () => Date.now())
    const segment = (id: string, at: number, parent: { clip?: string; take?: string }) =>
      store.insert({
        id,
        projectId: fixture.projectId,
        trackId: null,
        provider: 'cog',
        params: { prompt: `segment ${id}`, duration: 8 },
        seed: 1,
        inputAssetId: null,
        parentClipId: parent.clip ?? null,
        parentGenerationId: parent.take ?? null,
        status: 'waiting_parent',
        createdAt: at,
      })
    const now = Date.now()
    const ids = [1, 2, 3, 4].map((n) => `00000000-0000-4000-8000-00000000000${n}`)
    segment(ids[0]!, now, { clip: clip.id })
    segment(ids[1]!, now, { take: ids[0] })
    segment(ids[2]!, now, { take: ids[1] })
    // A re-roll of segment 2, later: the chain now runs through it (newest continuation).
    segment(ids[3]!, now + 1000, { take: ids[0] })
    for (const id of ids) store.transition(id, ['waiting_parent'], 'canceled')
    db.close()

    core = startCore(dataDir, { workerScript: null })
    const page = await core.call('generations.list', { projectId: fixture.projectId })
    const chainOf = (id: string) => page.takes.find((take) => take.id === id)!.chain
    expect(chainOf(ids[0]!)).toEqual({ segment: 1, of: 2 })
    expect(chainOf(ids[1]!)).toEqual({ segment: 2, of: 3 })
    expect(chainOf(ids[2]!)).toEqual({ segment: 3, of: 3 })
    expect(chainOf(ids[3]!)).toEqual({ segment: 2, of: 2 })
    expect(chainOf(fixture.ids[0]!)).toBeNull()
    core.close()
  })
})
