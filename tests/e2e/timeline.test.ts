import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { dropFiles } from '../helpers/drop'
import { centerOf, clipsOf, drag, type Placed } from '../helpers/page'
import { makeAudio, shot, useE2e } from '../helpers/e2e'
import { tempDir } from '../helpers/temp'

const e2e = useE2e()

describe('timeline', () => {
  it('moves, trims, splits, undoes, plays and persists', async () => {
    const dir = tempDir()
    const drums = makeAudio(dir, 'drums.wav', [
      '-f',
      'lavfi',
      '-i',
      'anoisesrc=d=3:c=pink:r=48000:a=0.7',
      '-af',
      'tremolo=f=4:d=0.9',
      '-ac',
      '2',
    ])
    const pad = makeAudio(dir, 'pad.wav', [
      '-f',
      'lavfi',
      '-i',
      'sine=f=220:d=4:r=48000',
      '-af',
      'volume=6,tremolo=f=1:d=0.7',
      '-ac',
      '2',
    ])
    const app = await e2e.serve(join(dir, 'data'))
    const page = await e2e.browser().newPage({ viewport: { width: 1440, height: 900 } })
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(app.url)
    await page.getByLabel('New project').fill('Timeline test')
    await page.getByRole('button', { name: 'Create' }).click()
    await page.getByRole('button', { name: 'Add the first track' }).click()
    await page.getByRole('button', { name: 'Add track' }).click()
    await expect.poll(() => page.locator('[data-track-id]').count()).toBe(2)

    // Import two files by drop onto the first track: they land back to back.
    const firstLane = page.locator('[data-track-id]').first()
    await dropFiles(page, firstLane, [drums, pad], { x: 0.01, y: 0.5 })
    await expect.poll(() => page.locator('[data-clip-id]').count(), { timeout: 20_000 }).toBe(2)
    let clips = await clipsOf(page)
    expect(clips.map((clip) => clip.trackIndex)).toEqual([0, 0])
    const [drumsClip, padClip] = clips as [Placed, Placed]
    // Both waveforms are drawn on the lane's canvas.
    await expect
      .poll(() => page.locator('canvas[data-drawn]').first().getAttribute('data-drawn'))
      .toContain(padClip.id)
    await page.getByRole('button', { name: 'Fit' }).click()
    await page.screenshot({ path: shot('timeline-01-imported.png') })

    // Move the second clip by dragging it down onto the second track and to the right.
    const padSelector = `[data-clip-id="${padClip.id}"]`
    await drag(page, await centerOf(page, padSelector), 120, 88)
    await expect
      .poll(async () => (await clipsOf(page)).find((c) => c.id === padClip.id))
      .toEqual(expect.objectContaining({ trackIndex: 1 }))
    const moved = (await clipsOf(page)).find((clip) => clip.id === padClip.id)!
    expect(moved.start).toBeGreaterThan(padClip.start)
    await page.screenshot({ path: shot('timeline-02-moved.png') })

    // Undo and redo the move with the keyboard, persisted through the contract.
    await page.keyboard.press('Control+z')
    await expect
      .poll(async () => (await clipsOf(page)).find((c) => c.id === padClip.id))
      .toEqual(expect.objectContaining({ trackIndex: 0, start: padClip.start }))
    await page.keyboard.press('Control+Shift+z')
    await expect
      .poll(async () => (await clipsOf(page)).find((c) => c.id === padClip.id))
      .toEqual(expect.objectContaining({ trackIndex: 1, start: moved.start }))

    // Trim the end of the first clip by dragging its right edge to the left.
    const drumsBox = (await page.locator(`[data-clip-id="${drumsClip.id}"]`).boundingBox())!
    await drag(page, { x: drumsBox.x + drumsBox.width - 2, y: drumsBox.y + 30 }, -60, 0)
    await expect
      .poll(async () => (await clipsOf(page)).find((c) => c.id === drumsClip.id)?.length)
      .toBeLessThan(drumsClip.length)
    const trimmed = (await clipsOf(page)).find((clip) => clip.id === drumsClip.id)!
    expect(trimmed.start).toBe(drumsClip.start)

    // Split at the playhead: click in the lane inside the first clip's span, press S.
    const trimmedBox = (await page.locator(`[data-clip-id="${drumsClip.id}"]`).boundingBox())!
    const laneBox = (await page.locator('[data-track-id]').nth(1).boundingBox())!
    await page.mouse.click(trimmedBox.x + trimmedBox.width / 2, laneBox.y + laneBox.height / 2)
    await page.keyboard.press('s')
    await expect.poll(async () => (await clipsOf(page)).length).toBe(3)
    clips = await clipsOf(page)
    const halves = clips.filter((clip) => clip.assetId === drumsClip.assetId)
    expect(halves).toHaveLength(2)
    expect(halves[0]!.start + halves[0]!.length).toBe(halves[1]!.start)
    expect(halves[0]!.length + halves[1]!.length).toBe(trimmed.length)
    await page.screenshot({ path: shot('timeline-03-split.png') })

    // Duplicate (Ctrl+D) then delete (Delete), then undo the delete: the copy comes back.
    await page.locator(`[data-clip-id="${halves[1]!.id}"]`).click()
    await page.keyboard.press('Control+d')
    await expect.poll(async () => (await clipsOf(page)).length).toBe(4)
    await page.keyboard.press('Delete')
    await expect.poll(async () => (await clipsOf(page)).length).toBe(3)
    await page.keyboard.press('Control+z')
    await expect.poll(async () => (await clipsOf(page)).length).toBe(4)
    await page.keyboard.press('Control+z')
    await expect.poll(async () => (await clipsOf(page)).length).toBe(3)
    const before = await clipsOf(page)

    // Reload: the same clips, drawn again.
    await page.reload()
    await expect.poll(() => page.locator('[data-clip-id]').count(), { timeout: 20_000 }).toBe(3)
    expect(await clipsOf(page)).toEqual(before)

    // Space plays: the playhead moves with the audio clock; Space again pauses.
    await page.locator('body').click({ position: { x: 5, y: 5 } })
    const position = page.getByLabel('Playhead position')
    const start = await position.textContent()
    await page.keyboard.press('Home')
    await page.keyboard.press('Space')
    await expect.poll(() => page.getByRole('button', { name: 'Pause' }).count()).toBe(1)
    const seconds = async () =>
      Number(/(\d+):(\d+\.\d+)/.exec((await position.textContent()) ?? '')?.[2])
    // The playhead moves on with the audio clock: wait for it to pass half a second.
    await expect.poll(seconds, { timeout: 20_000 }).toBeGreaterThan(0.5)
    expect(await position.textContent()).not.toBe(start)
    await page.screenshot({ path: shot('timeline-04-playing.png') })
    await page.keyboard.press('Space')
    await expect.poll(() => page.getByRole('button', { name: 'Play' }).count()).toBe(1)
    expect(await seconds()).toBeGreaterThan(0.5)

    // The help overlay, with ? and with the toolbar button.
    await page.keyboard.press('?')
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor()
    await page.screenshot({ path: shot('timeline-05-help.png') })
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0)
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click()
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor()
    await page.getByRole('button', { name: 'Close' }).click()

    // Removing a track (after the confirmation) can be undone: the track and its clips return.
    const beforeRemoval = await clipsOf(page)
    const lastTrack = Math.max(...beforeRemoval.map((clip) => clip.trackIndex))
    const onLast = beforeRemoval.filter((clip) => clip.trackIndex === lastTrack)
    expect(onLast.length).toBeGreaterThan(0)
    const trackCount = await page.locator('[data-track-id]').count()
    await page
      .getByRole('button', { name: /^Remove / })
      .nth(lastTrack)
      .click()
    await page.getByRole('button', { name: 'Remove track', exact: true }).click()
    await expect.poll(() => page.locator('[data-track-id]').count()).toBe(trackCount - 1)
    await page.keyboard.press('Control+z')
    await expect.poll(() => page.locator('[data-track-id]').count()).toBe(trackCount)
    const restored = await clipsOf(page)
    expect(
      restored.map(({ trackIndex, start, length, assetId }) => ({
        trackIndex,
        start,
        length,
        assetId,
      })),
    ).toEqual(
      beforeRemoval.map(({ trackIndex, start, length, assetId }) => ({
        trackIndex,
        start,
        length,
        assetId,
      })),
    )
    await page.keyboard.press('Control+Shift+z')
    await expect.poll(() => page.locator('[data-track-id]').count()).toBe(trackCount - 1)

    expect(errors).toEqual([])
    await page.close()
  })
})
