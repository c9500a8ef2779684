import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { rpc } from '../helpers/page'
import { shot, useE2e } from '../helpers/e2e'
import { buildTakesProject } from '../helpers/takes-fixture'
import { tempDir } from '../helpers/temp'

const e2e = useE2e()

describe('a project with 10,000 takes, end to end', () => {
  it('opens with a short list, scrolls to the end, filters, stars and plays', async () => {
    const dataDir = join(tempDir(), 'data')
    const fixture = await buildTakesProject(dataDir, { takes: 10_000, starEvery: 50 })
    const app = await e2e.serve(dataDir)
    const page = await e2e.browser().newPage({ viewport: { width: 1440, height: 900 } })
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(`${app.url}#/projects/${fixture.projectId}`)
    const list = page.getByRole('list', { name: 'Takes' })
    await list.locator(`[data-take-id="${fixture.ids[0]}"]`).waitFor({ timeout: 60_000 })
    const nodes = () => list.locator('*').count()
    expect(await nodes()).toBeLessThan(2000)
    await page.screenshot({ path: shot('takes-scale-01-open.png') })

    // The end of the list: End from a row loads what it must and shows the oldest take.
    await list.locator(`[data-take-id="${fixture.ids[0]}"] button`).first().focus()
    await page.keyboard.press('End')
    const oldest = list.locator(`[data-take-id="${fixture.ids.at(-1)}"]`)
    await oldest.waitFor({ timeout: 60_000 })
    expect(await nodes()).toBeLessThan(2000)
    await page.screenshot({ path: shot('takes-scale-02-end.png') })

    // Failed only: every drawn row is failed or canceled, the count is the store's.
    await page.getByRole('radio', { name: 'Failed' }).click()
    const failed = fixture.ids.filter((id) =>
      ['failed', 'canceled'].includes(fixture.statusOf.get(id)!),
    )
    await list.locator(`[data-take-id="${failed[0]}"]`).waitFor()
    const shown = await list
      .locator('[data-take-id]')
      .evaluateAll((rows) =>
        rows.map((row) => (row as unknown as { dataset: { takeId: string } }).dataset.takeId),
      )
    expect(shown.every((id) => failed.includes(id))).toBe(true)
    await expect
      .poll(() => page.locator('.count').textContent())
      .toBe(failed.length.toLocaleString('en-US'))

    // Star a ready take, see it under Starred.
    await page.getByRole('radio', { name: 'Ready' }).click()
    const ready = fixture.ids.filter((id) => fixture.statusOf.get(id) === 'succeeded')
    const candidate = ready.find((id) => !fixture.starred.has(id))!
    const row = list.locator(`[data-take-id="${candidate}"]`)
    await row.getByRole('button', { name: 'Star take' }).click()
    await expect.poll(() => row.getAttribute('data-starred')).toBe('true')
    await page.getByRole('radio', { name: 'Starred' }).click()
    await list.locator(`[data-take-id="${candidate}"]`).waitFor()
    expect(await rpc<string[]>(page, 'takes.starred', { projectId: fixture.projectId })).toContain(
      candidate,
    )

    // Play it: the playhead moves, Stop ends it.
    const starredRow = list.locator(`[data-take-id="${candidate}"]`)
    await starredRow.getByRole('button', { name: 'Play' }).click()
    const position = starredRow.getByRole('slider')
    await expect
      .poll(async () => Number(await position.getAttribute('aria-valuenow')), { timeout: 20_000 })
      .toBeGreaterThan(0.1)
    await page.screenshot({ path: shot('takes-scale-03-starred-playing.png') })
    await starredRow.getByRole('button', { name: 'Stop' }).click()
    expect(errors).toEqual([])
    await page.close()
  })
})
