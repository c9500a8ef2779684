import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildBigProject } from '../helpers/big-project'
import { shot, useE2e } from '../helpers/e2e'
import { tempDir } from '../helpers/temp'

const e2e = useE2e()

describe('a 50-track project', () => {
  it('opens, builds only the lanes in view, scrolls, selects and plays', async () => {
    const dir = tempDir()
    const dataDir = join(dir, 'data')
    const project = await buildBigProject(dir, dataDir, {
      name: 'Fifty tracks',
      tracks: 50,
      clips: 2000,
    })
    const app = await e2e.serve(dataDir)
    const page = await e2e.browser().newPage({ viewport: { width: 1440, height: 900 } })
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(`${app.url}#/projects/${project.projectId}`)

    // The first lanes render with their waveforms (the lanes canvas lists the clips it shows:
    // two or more a lane); the list knows all fifty.
    const list = page.getByRole('list', { name: 'Tracks' })
    const drawn = async () =>
      ((await page.locator('canvas[data-drawn]').getAttribute('data-drawn')) ?? '')
        .split(' ')
        .filter(Boolean)
    await expect.poll(async () => (await drawn()).length, { timeout: 60_000 }).toBeGreaterThan(12)
    const first = list.getByRole('listitem').first()
    expect(await first.getAttribute('aria-setsize')).toBe('50')
    expect(await first.getAttribute('aria-posinset')).toBe('1')
    // Only the lanes in view (and a few around them) are built.
    const built = await list.getByRole('listitem').count()
    expect(built).toBeGreaterThan(5)
    expect(built).toBeLessThan(20)
    await page.screenshot({ path: shot('big-timeline-01-open.png') })

    // Scrolling the lanes to the bottom builds the last track's lane.
    await page.evaluate(`(() => {
      const lanes = document.querySelector('.lanes')
      lanes.scrollTop = lanes.scrollHeight
    })()`)
    const lastLane = page.locator(`[data-track-id="${project.trackIds[49]}"]`)
    await lastLane.waitFor()
    await expect
      .poll(() => page.locator(`[data-track-id="${project.trackIds[0]}"]`).count())
      .toBe(0)
    expect(await list.getByRole('listitem').last().getAttribute('aria-posinset')).toBe('50')
    // The lanes canvas now shows the last track's waveforms, no longer the first's.
    const lastClipId = await lastLane.locator('[data-clip-id]').first().getAttribute('data-clip-id')
    await expect.poll(drawn).toContain(lastClipId)
    await expect.poll(() => page.getByText('Track 50', { exact: true }).isVisible()).toBe(true)

    // Scrolling the timeline sideways moves the clips; the wheel reaches the lanes at the bottom.
    const clip = lastLane.locator('[data-clip-id]').first()
    const before = (await clip.boundingBox())!
    await page.mouse.move(before.x + 40, before.y + 20)
    await page.mouse.wheel(0, 200)
    await expect.poll(async () => (await clip.boundingBox())?.x ?? before.x).toBeLessThan(before.x)

    // Select a clip of the last track by clicking it.
    const target = lastLane.locator('[data-clip-id]').nth(1)
    await target.click()
    await expect.poll(() => target.getAttribute('aria-pressed')).toBe('true')
    await page.screenshot({ path: shot('big-timeline-02-bottom-selected.png') })

    // Space plays (the playhead moves), Space again pauses.
    const position = page.getByLabel('Playhead position')
    const start = await position.textContent()
    await page.keyboard.press('Space')
    await expect.poll(() => position.textContent(), { timeout: 30_000 }).not.toBe(start)
    await page.keyboard.press('Space')
    await expect.poll(() => page.getByRole('button', { name: 'Play' }).count()).toBe(1)
    expect(errors).toEqual([])
    await page.close()
  })
})
