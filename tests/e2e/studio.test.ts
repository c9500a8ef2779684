import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { Track } from '../../src/shared/domain'
import { dropFiles } from '../helpers/drop'
import { clipsOf, projectIdOf, rpc } from '../helpers/page'
import { makeAudio, shot, useE2e } from '../helpers/e2e'
import { closedPort } from '../helpers/ports'
import { tempDir } from '../helpers/temp'

const e2e = useE2e()

async function trackNames(page: Page): Promise<string[]> {
  const detail = await rpc<{ tracks: Track[] }>(page, 'projects.get', {
    projectId: projectIdOf(page),
  })
  return detail.tracks.map((track) => track.name)
}

describe('the studio as a musician uses it', () => {
  it('never stacks clips, undoes every change across a reload, keeps the form, tells the truth offline', async () => {
    const dir = tempDir()
    const drums = makeAudio(dir, 'drums.wav', [
      '-f',
      'lavfi',
      '-i',
      'anoisesrc=d=3:c=pink:r=48000:a=0.5',
      '-ac',
      '2',
    ])
    const pad = makeAudio(dir, 'pad.wav', [
      '-f',
      'lavfi',
      '-i',
      'sine=f=220:d=4:r=48000',
      '-ac',
      '2',
    ])
    // Replicate's address refuses connections: a port nothing listens on any more.
    const app = await e2e.serve(join(dir, 'data'), {
      MUSICSKETCH_REPLICATE_URL: `http://127.0.0.1:${await closedPort()}`,
    })
    const page = await e2e.browser().newPage({ viewport: { width: 1440, height: 900 } })
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(app.url)
    await page.getByLabel('New project').fill('Studio')
    await page.getByRole('button', { name: 'Create' }).click()
    await page.getByRole('button', { name: 'Add the first track' }).click()
    await expect.poll(() => page.locator('[data-track-id]').count()).toBe(1)
    const undo = page.getByRole('button', { name: 'Undo', exact: true })
    await expect.poll(() => undo.isDisabled()).toBe(true)

    // 2. A file drop is an undo step: the button enables at once.
    await dropFiles(page, page.locator('[data-track-id]').first(), [drums, pad], {
      x: 0.01,
      y: 0.5,
    })
    await expect.poll(() => page.locator('[data-clip-id]').count(), { timeout: 20_000 }).toBe(2)
    await expect.poll(() => undo.getAttribute('title')).toMatch(/^Undo Import pad\.wav/)
    await page.getByRole('button', { name: 'Fit' }).click()

    // 1. Ctrl/Cmd+D of the drums: pad sits right after it, so the copy goes on a lane below.
    const [drumsClip] = await clipsOf(page)
    await page.locator(`[data-clip-id="${drumsClip!.id}"]`).click()
    await page.keyboard.press('Control+d')
    await expect.poll(() => trackNames(page)).toEqual(['Track 1', 'Track 1 (copy)'])
    const placed = await clipsOf(page)
    expect(placed.map((c) => [c.trackIndex, c.start])).toEqual([
      [0, drumsClip!.start],
      [0, drumsClip!.start + drumsClip!.length],
      [1, drumsClip!.start + drumsClip!.length],
    ])
    await page.screenshot({ path: shot('studio-01-copy-on-lane-below.png') })

    // 2. The history survives a reload, in the order things happened.
    await page.reload()
    await page.locator('[data-clip-id]').first().waitFor()
    await expect.poll(() => undo.getAttribute('title')).toMatch(/^Undo Duplicate clip/)
    await page.locator('body').click({ position: { x: 700, y: 880 } })
    await page.keyboard.press('Control+z')
    await expect.poll(() => trackNames(page)).toEqual(['Track 1'])
    await page.keyboard.press('Control+z')
    await expect.poll(async () => (await clipsOf(page)).length).toBe(1)
    await page.keyboard.press('Control+Shift+z')
    await expect.poll(async () => (await clipsOf(page)).length).toBe(2)

    // 4. The Generate form is kept through Settings and a reload.
    await rpc(page, 'secrets.set', { account: 'replicate', value: 'r8_offlineToken1' })
    await page.getByLabel('Prompt').fill('warm rhodes, lazy swing')
    await page.getByLabel('Duration (s)').fill('12')
    await page.getByLabel('Duration (s)').blur()
    await page.getByRole('link', { name: 'Settings' }).click()
    await page.getByLabel('Replicate API token').waitFor()
    await page.goBack()
    await expect.poll(() => page.getByLabel('Prompt').inputValue()).toBe('warm rhodes, lazy swing')
    await page.reload()
    await expect.poll(() => page.getByLabel('Prompt').inputValue()).toBe('warm rhodes, lazy swing')
    expect(await page.getByLabel('Duration (s)').inputValue()).toBe('12')
    await page.screenshot({ path: shot('studio-02-draft-kept.png') })

    // 5. Replicate refuses the connection: the header, the chip and the take agree.
    await page.getByRole('button', { name: 'Generate', exact: true }).click()
    const status = page.getByRole('status', { name: 'Connection' })
    await expect
      .poll(() => status.textContent())
      .toMatch(/Replicate can't be reached — 1 take will start when it's back/)
    expect(await status.textContent()).toContain("Replicate: can't be reached")
    await expect
      .poll(() => page.locator('[data-take-id]').first().textContent())
      .toMatch(/Waiting for Replicate/)
    // The technical cause is one click away.
    await status.getByRole('button').click()
    await expect
      .poll(() => status.getByRole('list', { name: 'Technical details' }).textContent())
      .toMatch(/ECONNREFUSED|refused|fetch failed/i)
    await page.screenshot({ path: shot('studio-03-offline.png') })
    expect(errors).toEqual([])
  })
})
