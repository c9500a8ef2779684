import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { Generation } from '../../src/shared/domain'
import { clipsOf, projectIdOf, rpc } from '../helpers/page'
import { shot, useE2e, useReplicateFake } from '../helpers/e2e'
import { tempDir } from '../helpers/temp'

const replicate = useReplicateFake({ maxOutputSeconds: 30, token: 'r8_e2eToken123' })

const e2e = useE2e()

async function takes(page: Page): Promise<Generation[]> {
  return rpc<Generation[]>(page, 'generations.list', { projectId: projectIdOf(page) })
}

async function shownIds(page: Page): Promise<string[]> {
  return page
    .locator('[data-take-id]')
    .evaluateAll((rows) =>
      rows.map((row) => (row as unknown as { dataset: { takeId: string } }).dataset.takeId),
    )
}

async function generate(page: Page, prompt: string, count: number): Promise<void> {
  await page.getByLabel('Prompt').fill(prompt)
  await page.locator('#takes').fill(String(count))
  await page.getByRole('button', { name: /^Generate/ }).click()
}

/** Starts a drag on `selector` with a fresh DataTransfer; answers what the page put in it. */
async function dragData(page: Page, selector: string, type: string): Promise<string> {
  const transfer = await page.evaluateHandle(() => {
    const { DataTransfer } = globalThis as unknown as { DataTransfer: new () => object }
    return new DataTransfer()
  })
  await page.locator(selector).dispatchEvent('dragstart', { dataTransfer: transfer })
  return transfer.evaluate(
    (t, wanted) => (t as unknown as { getData(type: string): string }).getData(wanted),
    type,
  )
}

/** The first bytes of a URL fetched by the page (as the desktop would when the drop lands). */
async function fetchHead(page: Page, url: string): Promise<{ status: number; head: string }> {
  return page.evaluate(async (href) => {
    const response = await fetch(href)
    const bytes = new Uint8Array(await response.arrayBuffer())
    return { status: response.status, head: String.fromCharCode(...bytes.subarray(0, 12)) }
  }, url)
}

describe('takes you can compare, end to end', () => {
  it('waveforms, playback, A/B, stars, filters, delete, stable order, drag-out and reveal', async () => {
    const dir = tempDir()
    const app = await e2e.serve(join(dir, 'data'), { MUSICSKETCH_REPLICATE_URL: replicate().url })
    const page = await e2e.browser().newPage({ viewport: { width: 1440, height: 900 } })
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(app.url)
    await rpc(page, 'secrets.set', { account: 'replicate', value: 'r8_e2eToken123' })
    await page.getByLabel('New project').fill('Compare')
    await page.getByRole('button', { name: 'Create' }).click()
    await page.getByRole('button', { name: 'Add the first track' }).click()
    await page.getByLabel('Duration (s)').fill('8')
    await page.getByLabel('Duration (s)').blur()

    // Three takes of one prompt, then one that fails, of another.
    await generate(page, 'warm rhodes, lazy swing', 3)
    await expect
      .poll(async () => (await takes(page)).filter((t) => t.status === 'succeeded').length, {
        timeout: 60_000,
      })
      .toBe(3)
    replicate().state.failNextPredictionWith = 'CUDA out of memory'
    await generate(page, 'glitchy breakbeat', 1)
    await expect
      .poll(async () => (await takes(page)).filter((t) => t.status === 'failed').length, {
        timeout: 30_000,
      })
      .toBe(1)
    replicate().state.failNextPredictionWith = null

    // Newest first, the same live and after a reload.
    const stored = await takes(page)
    const newest = [...stored].sort(
      (a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
    )
    await expect.poll(() => shownIds(page)).toEqual(newest.map((t) => t.id))
    await page.reload()
    await page.locator('[data-take-id]').first().waitFor()
    await expect.poll(() => shownIds(page)).toEqual(newest.map((t) => t.id))

    // Each ready take has its own waveform.
    const ready = newest.filter((t) => t.status === 'succeeded')
    for (const take of ready) {
      await page.locator(`[data-take-id="${take.id}"] canvas`).waitFor()
    }
    expect(await page.locator('[data-take-id] [role="slider"]').count()).toBe(3)

    // Play from the list: the playhead moves through the take, Stop ends it.
    const first = page.locator(`[data-take-id="${ready[0]!.id}"]`)
    await first.getByRole('button', { name: 'Play' }).click()
    const position = first.getByRole('slider')
    await expect
      .poll(async () => Number(await position.getAttribute('aria-valuenow')), { timeout: 15_000 })
      .toBeGreaterThan(0.2)
    await page.screenshot({ path: shot('takes-01-playing.png') })
    await first.getByRole('button', { name: 'Stop' }).click()
    await expect.poll(() => position.getAttribute('data-playing')).toBe('false')

    // A/B: A on one take, B on another; both run in step, Switch crossfades to the other.
    const second = page.locator(`[data-take-id="${ready[1]!.id}"]`)
    await first.getByRole('button', { name: 'A/B' }).click()
    await second.getByRole('button', { name: 'Compare with A' }).click()
    const compare = page.getByRole('group', { name: 'A/B compare' })
    await compare.getByText('Hearing A').waitFor()
    await expect
      .poll(async () => Number(await second.getByRole('slider').getAttribute('aria-valuenow')), {
        timeout: 15_000,
      })
      .toBeGreaterThan(0.2)
    await compare.getByRole('button', { name: 'Switch to B' }).click()
    await compare.getByText('Hearing B').waitFor()
    await page.screenshot({ path: shot('takes-02-ab.png') })
    await compare.getByRole('button', { name: 'Stop' }).click()
    await compare.waitFor({ state: 'detached' })

    // Star one; the Starred view shows it alone, also after a reload.
    await second.getByRole('button', { name: 'Star take' }).click()
    await expect.poll(() => second.getAttribute('data-starred')).toBe('true')
    const views = page.getByRole('radiogroup', { name: 'Show takes' })
    await views.getByRole('radio', { name: 'Starred' }).click()
    await expect.poll(() => shownIds(page)).toEqual([ready[1]!.id])
    await page.reload()
    await page.locator('[data-take-id]').first().waitFor()
    expect(await page.locator('[data-take-id][data-starred="true"]').count()).toBe(1)
    await views.getByRole('radio', { name: 'Failed' }).click()
    await expect
      .poll(() => shownIds(page))
      .toEqual(newest.filter((t) => t.status === 'failed').map((t) => t.id))
    await views.getByRole('radio', { name: 'Ready' }).click()
    await expect.poll(() => shownIds(page)).toEqual(ready.map((t) => t.id))
    await views.getByRole('radio', { name: 'All' }).click()
    await page.getByLabel('Show takes made from').selectOption('glitchy breakbeat')
    await expect
      .poll(() => shownIds(page))
      .toEqual(newest.filter((t) => t.status === 'failed').map((t) => t.id))
    await page.getByLabel('Show takes made from').selectOption('')

    // Delete a take (asked once more): it is gone from the list and the store.
    const third = page.locator(`[data-take-id="${ready[2]!.id}"]`)
    await third.getByRole('button', { name: 'Delete take' }).click()
    await third.getByRole('button', { name: 'Delete take' }).click()
    await third.waitFor({ state: 'detached' })
    expect((await takes(page)).map((t) => t.id)).not.toContain(ready[2]!.id)

    // Drag a take out of the window: Chromium's DownloadURL names a WAV the host serves.
    await second.hover()
    await expect
      .poll(() => second.getByLabel('Drag out as WAV').getAttribute('data-ready'))
      .toBe('true')
    const takeUrl = await dragData(page, `[data-take-id="${ready[1]!.id}"] .grip`, 'DownloadURL')
    const [mime, fileName, ...rest] = takeUrl.split(':')
    expect(mime).toBe('audio/wav')
    expect(fileName).toMatch(/\.wav$/)
    expect(await fetchHead(page, rest.join(':'))).toMatchObject({
      status: 200,
      head: expect.stringMatching(/^RIFF....WAVE$/s),
    })

    // Place it, select the clip, and drag the clip out the same way.
    const lane = page.locator('[data-track-id]').first()
    const box = (await lane.boundingBox())!
    const transfer = await page.evaluateHandle(() => {
      const { DataTransfer } = globalThis as unknown as { DataTransfer: new () => object }
      return new DataTransfer()
    })
    await second.dispatchEvent('dragstart', { dataTransfer: transfer })
    await lane.dispatchEvent('dragover', {
      dataTransfer: transfer,
      clientX: box.x + 4,
      clientY: box.y + 40,
    })
    await lane.dispatchEvent('drop', {
      dataTransfer: transfer,
      clientX: box.x + 4,
      clientY: box.y + 40,
    })
    await expect.poll(async () => (await clipsOf(page)).length).toBe(1)
    const [clip] = await clipsOf(page)
    await page.locator(`[data-clip-id="${clip!.id}"]`).click()
    const clipGrip = page.getByLabel('Drag clip out as WAV')
    await clipGrip.hover()
    await expect
      .poll(() => clipGrip.getAttribute('data-ready'))
      .toBe('true')
      .catch(async (error: unknown) => {
        await page.screenshot({ path: shot('takes-03-failed.png') })
        throw new Error(`${String(error)}: ${await page.locator('.notices.page').textContent()}`)
      })
    const clipUrl = await dragData(page, `[data-clip-id="${clip!.id}"] .grip`, 'DownloadURL')
    expect(clipUrl).toMatch(/^audio\/wav:Compare - .+\.wav:http:\/\/127\.0\.0\.1:\d+\//)
    expect(await fetchHead(page, clipUrl.split(':').slice(2).join(':'))).toMatchObject({
      status: 200,
      head: expect.stringMatching(/^RIFF....WAVE$/s),
    })
    await page.screenshot({ path: shot('takes-03-dragout.png') })

    // A continuation that lands off-screen is scrolled into view and highlighted.
    for (let i = 0; i < 5; i++) await page.locator('body').press('+')
    await page.locator(`[data-clip-id="${clip!.id}"]`).click({ button: 'right' })
    await page.getByRole('menuitem', { name: 'Continue…' }).click()
    await page.getByLabel('Context (s)').fill('2')
    await page.getByLabel('Context (s)').blur()
    await page.getByLabel('Prompt').fill('the band comes in')
    await page.getByRole('button', { name: 'Continue', exact: true }).click()
    const landed = page.locator('[data-clip-id][data-highlighted="true"]')
    await landed.waitFor({ timeout: 60_000 }).catch(async (error: unknown) => {
      await page.screenshot({ path: shot('takes-04-failed.png') })
      throw new Error(`${String(error)}\ntakes: ${JSON.stringify(await takes(page))}`)
    })
    const landedBox = (await landed.boundingBox())!
    const laneBox = (await lane.boundingBox())!
    expect(landedBox.x).toBeGreaterThanOrEqual(laneBox.x - 1)
    expect(landedBox.x).toBeLessThan(laneBox.x + laneBox.width)
    await page.screenshot({ path: shot('takes-04-revealed.png') })
    expect(errors).toEqual([])
    await page.close()
  })
})
