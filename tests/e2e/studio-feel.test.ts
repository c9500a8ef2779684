import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { Project } from '../../src/shared/domain'
import { dropFiles } from '../helpers/drop'
import { makeAudio, shot, useE2e, useReplicateFake } from '../helpers/e2e'
import { clipsOf, projectIdOf, rpc, takesOf } from '../helpers/page'
import { tempDir } from '../helpers/temp'

const replicate = useReplicateFake({ maxOutputSeconds: 30, token: 'r8_e2eToken123' })

const e2e = useE2e()

type Box = { x: number; y: number; width: number; height: number }
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

async function boxOf(page: Page, selector: string): Promise<Box> {
  const box = await page.locator(selector).first().boundingBox()
  if (!box) throw new Error(`${selector} is not visible`)
  return box
}

async function newProject(page: Page, name: string): Promise<void> {
  await page.getByLabel('New project').fill(name)
  await page.getByRole('button', { name: 'Create' }).click()
  await page.getByRole('button', { name: 'Add the first track' }).click()
}

describe('the studio as a musician uses it', () => {
  it('export folders: home-relative, created from the dialog, stale errors cleared, toasts dismissable', async () => {
    const dir = tempDir()
    const home = join(dir, 'home')
    const app = await e2e.serve(join(dir, 'data'), { HOME: home })
    const page = await e2e.browser().newPage({ viewport: { width: 1440, height: 900 } })
    await page.goto(app.url)
    await newProject(page, 'Folder')
    const tone = makeAudio(dir, 'tone.wav', ['-f', 'lavfi', '-i', 'sine=d=1:r=48000'])
    await dropFiles(page, page.locator('[data-track-id]').first(), [tone])
    await expect
      .poll(async () => (await clipsOf(page)).length, { timeout: 20_000 })
      .toBe(1)
      .catch(async (error: unknown) => {
        await page.screenshot({ path: shot('feel-00-failed.png') })
        throw error
      })

    await page.getByRole('button', { name: 'Export stems' }).click()
    const dialog = page.getByRole('dialog', { name: 'Export stems' })
    await dialog.getByLabel('Folder').fill('Music/sketches')
    await dialog.getByRole('button', { name: 'Export', exact: true }).click()
    const missing = dialog.getByRole('alert')
    await missing.getByText('Music/sketches').waitFor()
    // The error toast shows over the dialog and can be dismissed there.
    const toast = dialog.locator('.notice.error')
    await toast.waitFor()
    await page.screenshot({ path: shot('feel-01-export-missing.png') })
    await toast.getByRole('button', { name: 'Dismiss' }).click()
    await toast.waitFor({ state: 'detached' })
    // Once more, then create it from the dialog: the success clears the stale error.
    await dialog.getByRole('button', { name: 'Export', exact: true }).click()
    await toast.waitFor()
    await missing.getByRole('button', { name: 'Create it and export' }).click()
    await dialog.getByText(/Exported \d+ files/).waitFor({ timeout: 30_000 })
    expect(await page.locator('.notice.error').count()).toBe(0)
    const written = readdirSync(join(home, 'Music', 'sketches'))
    expect(written).toContain('Folder - Mix.wav')
    expect(written).toContain('Folder - 01 Track 1.wav')
    await page.screenshot({ path: shot('feel-02-export-done.png') })
    await page.close()
  })

  it('extend segments as rows in play order, durations following the first, Extend in view', async () => {
    const dir = tempDir()
    const app = await e2e.serve(join(dir, 'data'), { MUSICSKETCH_REPLICATE_URL: replicate().url })
    const page = await e2e.browser().newPage({ viewport: { width: 1440, height: 900 } })
    await page.goto(app.url)
    await rpc(page, 'secrets.set', { account: 'replicate', value: 'r8_e2eToken123' })
    await newProject(page, 'Extend')
    const tone = makeAudio(dir, 'keys.wav', ['-f', 'lavfi', '-i', 'sine=d=12:r=48000'])
    await dropFiles(page, page.locator('[data-track-id]').first(), [tone])
    await expect.poll(async () => (await clipsOf(page)).length, { timeout: 20_000 }).toBe(1)
    const [clip] = await clipsOf(page)
    await page.locator(`[data-clip-id="${clip!.id}"]`).click({ button: 'right' })
    await page.getByRole('menuitem', { name: 'Continue…' }).click()
    await page.getByLabel('Duration (s)').fill('18')
    await page.getByLabel('Duration (s)').blur()
    for (let i = 0; i < 4; i++) await page.getByRole('button', { name: /Add a segment/ }).click()
    await page
      .getByLabel('Segment 2', { exact: true })
      .fill('a long verse with strings and a slow build')
    await page.getByLabel('Duration of segment 3').fill('25')
    const order = page.getByRole('list', { name: 'Order of play' })
    expect(await order.locator('li .n').allTextContents()).toEqual(['▶', '1', '2', '3', '4', '5'])
    // Unset durations show the first segment's; the prompt spans the panel's width.
    expect(await page.getByLabel('Duration of segment 2').getAttribute('placeholder')).toBe('18')
    const prompt = await boxOf(page, '#segment-0')
    const panel = await boxOf(page, 'form.panel')
    expect(prompt.width).toBeGreaterThan(panel.width * 0.75)
    // The Extend button is on screen without scrolling.
    const extend = page.getByRole('button', { name: 'Extend ×5' })
    const button = (await extend.boundingBox())!
    expect(button.y + button.height).toBeLessThanOrEqual(900)
    await page.screenshot({ path: shot('feel-03-extend.png') })
    await extend.click()
    await expect
      .poll(() => replicate().state.predictions.size, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(1)
    const chain = await takesOf(page)
    expect(chain.map((take) => take.params.duration).sort()).toEqual([18, 18, 18, 18, 25])
    await page.close()
  })

  it('timeline feel: readout, dimmed lanes, drops below at the pointer time, rename, melodies', async () => {
    const dir = tempDir()
    const app = await e2e.serve(join(dir, 'data'), { MUSICSKETCH_REPLICATE_URL: replicate().url })
    const page = await e2e.browser().newPage({ viewport: { width: 1440, height: 900 } })
    const failed: string[] = []
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(response.url())
    })
    await page.goto(app.url)
    await rpc(page, 'secrets.set', { account: 'replicate', value: 'r8_e2eToken123' })
    await newProject(page, 'Feel')
    await page.getByRole('button', { name: 'Add track' }).click()
    const tone = makeAudio(dir, 'pad.wav', ['-f', 'lavfi', '-i', 'sine=d=4:r=48000'])

    // A file dropped below the last track starts at the pointer's time, on a new track.
    const lanes = page.locator('[data-track-id]')
    const lastLane = (await lanes.last().boundingBox())!
    const section = page.getByRole('region', { name: /^Project/ })
    const sectionBox = (await section.boundingBox())!
    const chipsBefore = (await lanes.first().boundingBox())!
    await dropFiles(page, section, [tone], {
      x: (lastLane.x + 160 - sectionBox.x) / sectionBox.width,
      y: (lastLane.y + lastLane.height + 60 - sectionBox.y) / sectionBox.height,
    })
    await expect.poll(async () => (await clipsOf(page)).length, { timeout: 20_000 }).toBe(1)
    const [dropped] = await clipsOf(page)
    expect(dropped!.trackIndex).toBe(2)
    expect(dropped!.start / 48000).toBeCloseTo(160 / 40, 1)
    // Import chips float: the timeline did not move.
    expect((await lanes.first().boundingBox())!.y).toBe(chipsBefore.y)

    // Dragging a clip shows where it is.
    const clipBox = await boxOf(page, `[data-clip-id="${dropped!.id}"]`)
    await page.mouse.move(clipBox.x + clipBox.width / 2, clipBox.y + clipBox.height / 2)
    await page.mouse.down()
    await page.mouse.move(clipBox.x + clipBox.width / 2 + 20, clipBox.y + clipBox.height / 2)
    await page.mouse.move(clipBox.x + clipBox.width / 2 + 40, clipBox.y + clipBox.height / 2)
    const readout = page.getByRole('status', { name: 'Dragged clip position' })
    await expect.poll(() => readout.textContent()).toMatch(/^0:0\d\.\d\d$/)
    await page.screenshot({ path: shot('feel-04-drag-readout.png') })
    await page.mouse.up()
    await readout.waitFor({ state: 'detached' })

    // Muted and solo-silenced lanes are dimmed.
    const laneRows = page.locator('.lane')
    await page.getByRole('button', { name: 'Mute Track 1' }).click()
    await expect.poll(() => laneRows.nth(0).getAttribute('data-silent')).toBe('true')
    await page.getByRole('button', { name: 'Mute Track 1' }).click()
    await page.getByRole('button', { name: /^Solo pad/ }).click()
    await expect.poll(() => laneRows.nth(0).getAttribute('data-silent')).toBe('true')
    expect(await laneRows.nth(2).getAttribute('data-silent')).toBe('false')
    await page.screenshot({ path: shot('feel-05-solo-dimmed.png') })

    // Double-click a track name to rename it; the box stays clear of the buttons beside it.
    await page.locator('.lane-header .name', { hasText: 'Track 2' }).dblclick()
    const input = page.getByLabel('Rename track', { exact: true })
    await input.waitFor()
    const inputBox = (await input.boundingBox())!
    const up = await boxOf(page, '.lane:nth-child(2) [aria-label^="Move"]')
    expect(overlaps(inputBox, up)).toBe(false)
    await page.screenshot({ path: shot('feel-06-rename.png') })
    await input.fill('Strings')
    await input.press('Enter')
    await page.getByRole('button', { name: 'Rename track: Strings' }).waitFor()

    // A continuation's context slice is not offered as a melody.
    await page.locator(`[data-clip-id="${dropped!.id}"]`).click({ button: 'right' })
    await page.getByRole('menuitem', { name: 'Continue…' }).click()
    await page.getByLabel('Context (s)').fill('2')
    await page.getByLabel('Context (s)').blur()
    await page.getByLabel('Duration (s)').fill('6')
    await page.getByLabel('Duration (s)').blur()
    await page.getByRole('button', { name: 'Continue', exact: true }).click()
    await expect.poll(async () => (await clipsOf(page)).length, { timeout: 60_000 }).toBe(2)
    const assets = await rpc<{ name: string; origin: string }[]>(page, 'assets.list', {
      projectId: projectIdOf(page),
    })
    const slice = assets.find((asset) => asset.origin === 'render')
    expect(slice).toBeDefined()
    await page
      .getByLabel('Model')
      .selectOption({ label: 'Stereo melody' })
      .catch(() => undefined)
    const offered = await page.locator('#melody option').allTextContents()
    expect(offered).not.toContain(slice!.name)
    expect(offered).toContain('pad.wav')

    // The help overlay's keycaps never run into their actions.
    await page.locator('body').click({ position: { x: 5, y: 860 } })
    await page.locator('body').press('?')
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
    await help.waitFor()
    // In the page: for each shortcut, the right edge of its last key and the left of its action.
    const pairs = await page.evaluate<{ keysRight: number; actionLeft: number }[]>(`
      [...document.querySelectorAll('dialog.help dt')].map((term) => ({
        keysRight: Math.max(...[...term.querySelectorAll('kbd')].map((k) => k.getBoundingClientRect().right)),
        actionLeft: term.nextElementSibling.getBoundingClientRect().left,
      }))
    `)
    expect(pairs.length).toBeGreaterThan(10)
    for (const pair of pairs) expect(pair.keysRight).toBeLessThanOrEqual(pair.actionLeft)
    await page.screenshot({ path: shot('feel-07-help.png') })
    await page.keyboard.press('Escape')

    // The Projects list shows the time of the last edit.
    const stored = await rpc<Project[]>(page, 'projects.list', {})
    await page.getByRole('link', { name: 'Projects' }).click()
    await expect
      .poll(() => page.locator('[data-updated-at]').first().getAttribute('data-updated-at'))
      .toBe(String(stored[0]!.updatedAt))
    expect(failed).toEqual([])
    await page.close()
  })
})
