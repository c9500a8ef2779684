import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ProjectDetail } from '../../src/shared/domain'
import { dropFiles } from '../helpers/drop'
import { projectIdOf, rpc } from '../helpers/page'
import { makeAudio, shot, useE2e } from '../helpers/e2e'
import { tempDir } from '../helpers/temp'

const e2e = useE2e()

describe('clip handles, waveform height and metronome', () => {
  it('fades and gain by their handles (one undo step each), taller waveforms, a metronome', async () => {
    const dir = tempDir()
    const tone = makeAudio(dir, 'tone.wav', [
      '-f',
      'lavfi',
      '-i',
      'sine=f=330:d=6:r=48000',
      '-af',
      'tremolo=f=2:d=0.7',
      '-ac',
      '2',
    ])
    const app = await e2e.serve(join(dir, 'data'))
    const page = await e2e.browser().newPage({ viewport: { width: 1440, height: 900 } })
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(app.url)
    await page.getByLabel('New project').fill('Handles')
    await page.getByRole('button', { name: 'Create' }).click()
    await page.getByRole('button', { name: 'Add the first track' }).click()
    const lane = page.locator('[data-track-id]').first()
    await dropFiles(page, lane, [tone], { x: 0.01, y: 0.5 })
    await expect.poll(() => page.locator('[data-clip-id]').count(), { timeout: 20_000 }).toBe(1)
    await page.getByRole('button', { name: 'Fit' }).click()
    const clip = page.locator('[data-clip-id]').first()
    await clip.click()
    const box = (await clip.boundingBox())!
    const fadeOf = async () => {
      const detail = await rpc<ProjectDetail>(page, 'projects.get', {
        projectId: projectIdOf(page),
      })
      return detail.tracks[0]!.clips[0]!
    }
    const placed = await fadeOf()

    // Fade in: the handle at the top-left corner, dragged right; a readout shows the length.
    const fadeIn = clip.locator('[data-handle="fade-in"]')
    const handle = (await fadeIn.boundingBox())!
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2)
    await page.mouse.down()
    for (let i = 1; i <= 8; i++) {
      await page.mouse.move(handle.x + handle.width / 2 + (box.width / 4) * (i / 8), handle.y + 4)
    }
    const readout = page.getByRole('status', { name: 'Dragged clip position' })
    await expect.poll(() => readout.textContent()).toMatch(/^Fade in 0:0\d\.\d\d$/)
    await page.screenshot({ path: shot('handles-01-fade-in-drag.png') })
    await page.mouse.up()
    await expect.poll(async () => (await fadeOf()).fadeIn).toBeGreaterThan(48000)
    // The clip did not move: the handle changes the fade only.
    expect((await fadeOf()).start).toBe(placed.start)
    expect((await fadeOf()).length).toBe(placed.length)

    // Gain: the dB label dragged up by 24 px raises the clip 6 dB.
    const gain = clip.locator('[data-handle="gain"]')
    const gainBox = (await gain.boundingBox())!
    await page.mouse.move(gainBox.x + gainBox.width / 2, gainBox.y + gainBox.height / 2)
    await page.mouse.down()
    for (let i = 1; i <= 6; i++) {
      await page.mouse.move(gainBox.x + gainBox.width / 2, gainBox.y + gainBox.height / 2 - 4 * i)
    }
    await expect.poll(() => readout.textContent()).toBe('Gain +6.0 dB')
    await page.mouse.up()
    await expect.poll(async () => (await fadeOf()).gainDb).toBe(6)
    await expect.poll(() => gain.textContent()).toBe('+6.0 dB')
    await page.screenshot({ path: shot('handles-02-gain.png') })

    // A click on a handle (no travel past the threshold) changes nothing.
    await gain.click()
    expect((await fadeOf()).gainDb).toBe(6)

    // Each drag is one undo step: undo takes the gain back, then the fade.
    await page.keyboard.press('Control+z')
    await expect.poll(async () => (await fadeOf()).gainDb).toBe(0)
    expect((await fadeOf()).fadeIn).toBeGreaterThan(48000)
    await page.keyboard.press('Control+z')
    await expect.poll(async () => (await fadeOf()).fadeIn).toBe(0)
    await page.keyboard.press('Control+Shift+z')
    await expect.poll(async () => (await fadeOf()).fadeIn).toBeGreaterThan(48000)

    // Taller waveforms: the button and Alt+↑ / Alt+↓ scale the drawing, not the audio.
    const zoom = page.getByLabel('Waveform zoom')
    await expect.poll(() => zoom.textContent()).toBe('×1')
    await page.getByRole('button', { name: 'Taller waveforms' }).click()
    await expect.poll(() => zoom.textContent()).toBe('×2')
    await page.locator('body').press('Alt+ArrowUp')
    await expect.poll(() => zoom.textContent()).toBe('×4')
    await page.screenshot({ path: shot('handles-03-taller-waveforms.png') })
    await page.locator('body').press('Alt+ArrowDown')
    await expect.poll(() => zoom.textContent()).toBe('×2')
    expect((await fadeOf()).gainDb).toBe(0)

    // The metronome needs a tempo; then the toolbar button and K turn it on and off.
    const metronome = page.getByRole('button', { name: 'Metronome' })
    expect(await metronome.isDisabled()).toBe(true)
    await page.getByRole('spinbutton', { name: 'Tempo' }).fill('100')
    await page.getByRole('spinbutton', { name: 'Tempo' }).press('Enter')
    await expect.poll(() => metronome.isDisabled()).toBe(false)
    await metronome.click()
    await expect.poll(() => metronome.getAttribute('aria-pressed')).toBe('true')
    // Playing with the metronome on: the playhead moves, nothing fails.
    const position = page.getByLabel('Playhead position')
    const start = await position.textContent()
    await page.locator('body').press('Space')
    await expect.poll(() => position.textContent(), { timeout: 30_000 }).not.toBe(start)
    await page.screenshot({ path: shot('handles-04-metronome.png') })
    await page.locator('body').press('k')
    await expect.poll(() => metronome.getAttribute('aria-pressed')).toBe('false')
    await page.locator('body').press('Space')
    await expect.poll(() => page.getByRole('button', { name: 'Play' }).count()).toBe(1)

    // The help overlay lists the new keys from the one shortcut list.
    await page.locator('body').press('?')
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
    await help.waitFor()
    await expect.poll(() => help.getByText('Metronome on/off (follows the tempo)').count()).toBe(1)
    await page.keyboard.press('Escape')
    // A copy's name keeps its "(copy)" readable in the narrow header, the whole name as a tooltip,
    // and the header's buttons stay in place.
    const trackId = (await page.locator('[data-track-id]').first().getAttribute('data-track-id'))!
    await rpc(page, 'tracks.update', { trackId, name: 'Lead synth layer (copy)' })
    await page.reload()
    const name = page.locator('.lane-header .name').first()
    await expect.poll(() => name.getAttribute('title')).toContain('Lead synth layer (copy)')
    const tail = name.locator('.tail')
    expect(await tail.textContent()).toBe(' (copy)')
    const tailBox = (await tail.boundingBox())!
    const pencil = (await page
      .getByRole('button', { name: 'Rename track: Lead synth layer (copy)' })
      .boundingBox())!
    const remove = (await page
      .getByRole('button', { name: 'Remove Lead synth layer (copy)' })
      .boundingBox())!
    expect(tailBox.x + tailBox.width).toBeLessThanOrEqual(pencil.x)
    expect(pencil.x + pencil.width).toBeLessThanOrEqual(remove.x)
    const header = (await page.locator('.lane-header').first().boundingBox())!
    expect(remove.x + remove.width).toBeLessThanOrEqual(header.x + header.width)
    await page.screenshot({ path: shot('handles-05-track-name.png') })
    expect(errors).toEqual([])
    await page.close()
  })
})
