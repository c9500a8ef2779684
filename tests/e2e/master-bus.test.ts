import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ffmpegTruePeak } from '../helpers/ffmpeg-true-peak'
import { dropFiles } from '../helpers/drop'
import { makeAudio, shot, useE2e } from '../helpers/e2e'
import { tempDir } from '../helpers/temp'

const e2e = useE2e()

describe('the master bus', () => {
  it('sets master gain, meters playback, limits the exported mix and warns when unprotected', async () => {
    const dir = tempDir()
    // Two loud parts that clip when summed (ffmpeg's sine is 1/8 of full scale: ×7 is 0.875).
    const drums = makeAudio(dir, 'drums.wav', [
      ...['-f', 'lavfi', '-i', 'anoisesrc=d=4:c=pink:r=48000:a=0.9'],
      ...['-af', 'tremolo=f=2:d=0.9', '-ac', '2'],
    ])
    const bass = makeAudio(dir, 'bass.wav', [
      ...['-f', 'lavfi', '-i', 'sine=f=55:d=4:r=48000', '-af', 'volume=7', '-ac', '2'],
    ])
    const app = await e2e.serve(join(dir, 'data'))
    const page = await e2e.browser().newPage({ viewport: { width: 1440, height: 900 } })
    await page.goto(app.url)
    await page.getByLabel('New project').fill('Loud song')
    await page.getByRole('button', { name: 'Create' }).click()
    await page.getByRole('button', { name: 'Add the first track' }).click()
    await dropFiles(page, page.locator('[data-track-id]').first(), [drums], { x: 0.01, y: 0.5 })
    await expect.poll(() => page.locator('[data-clip-id]').count(), { timeout: 20_000 }).toBe(1)
    await dropFiles(page, page.locator('.head').first(), [bass])
    await expect.poll(() => page.locator('[data-clip-id]').count(), { timeout: 20_000 }).toBe(2)

    const strip = page.getByRole('group', { name: 'Master' })
    const gain = strip.getByLabel('Master gain in dB')
    await expect.poll(() => gain.inputValue()).toBe('0')
    // Master gain: typed, one undo step, kept in the project.
    await gain.fill('3')
    await gain.press('Enter')
    await expect
      .poll(() => page.getByRole('button', { name: 'Undo' }).getAttribute('title'))
      .toMatch(/Undo Change master gain/)
    await page.getByRole('button', { name: 'Undo' }).click()
    await expect.poll(() => gain.inputValue()).toBe('0')
    await page.getByRole('button', { name: 'Redo' }).click()
    await expect.poll(() => gain.inputValue()).toBe('3')
    await page.reload()
    await expect.poll(() => strip.getByLabel('Master gain in dB').inputValue()).toBe('3')

    // The meters move while it plays, and the clip light latches until clicked.
    const peak = strip.getByRole('meter', { name: 'Master peak' })
    expect(await peak.getAttribute('aria-valuenow')).toBe('-60')
    await page.getByRole('button', { name: 'Play' }).click()
    await expect
      .poll(async () => Number(await peak.getAttribute('aria-valuenow')), { timeout: 10_000 })
      .toBeGreaterThan(-20)
    await expect
      .poll(async () => strip.getByLabel('Momentary loudness').textContent(), { timeout: 10_000 })
      .toMatch(/^−?\d+\.\d$/)
    await expect
      .poll(async () => strip.getByLabel('Short-term loudness').textContent(), { timeout: 10_000 })
      .toMatch(/^−?\d+\.\d$/)
    const clip = strip.getByRole('button', { name: /Clipped: click to clear/ })
    await clip.waitFor({ timeout: 10_000 })
    await page.screenshot({ path: shot('master-01-metering.png') })
    await page.getByRole('button', { name: 'Pause' }).click()
    await clip.click()
    await strip.getByRole('button', { name: 'No clipping' }).waitFor()

    // Export with the limiter: the mix stays under -1 dBTP by ffmpeg's own meter.
    const limited = join(dir, 'limited')
    mkdirSync(limited)
    await page.getByRole('button', { name: 'Export stems' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByLabel('Folder').fill(limited)
    await dialog.getByRole('radio', { name: /Limiter/ }).check()
    await dialog.getByRole('button', { name: 'Export', exact: true }).click()
    await dialog.getByText(/Exported 4 files/).waitFor({ timeout: 30_000 })
    await expect
      .poll(() => dialog.getByLabel('Mix levels').textContent())
      .toMatch(/limiter, at most/)
    expect(await dialog.getByRole('alert').count()).toBe(0)
    await page.screenshot({ path: shot('master-02-export-limited.png') })
    // ffmpeg's meter interpolates with its own filter: on this clipped 55 Hz square it reads up
    // to 0.2 dB above the BS.1770-4 Annex 2 interpolator the limiter follows (4x oversampling
    // may under-read by up to 0.69 dB, the standard says). Without the limiter it reads above 0.
    expect(ffmpegTruePeak(join(limited, 'Loud song - Mix.wav'))).toBeLessThanOrEqual(-0.7)

    // Without protection: the overs are named, with where they are.
    const plain = join(dir, 'plain')
    mkdirSync(plain)
    await dialog.getByLabel('Folder').fill(plain)
    await dialog.getByRole('radio', { name: /None/ }).check()
    await dialog.getByRole('button', { name: 'Export', exact: true }).click()
    const warning = dialog.getByRole('alert').filter({ hasText: /goes over −1\.0 dBTP in/ })
    await warning.waitFor({ timeout: 30_000 })
    await expect.poll(() => warning.textContent()).toMatch(/0:0\d\.\d–0:0\d\.\d/)
    await page.screenshot({ path: shot('master-03-export-overs.png') })
    expect(readdirSync(plain)).toContain('Loud song - Mix.wav')
    expect(ffmpegTruePeak(join(plain, 'Loud song - Mix.wav'))).toBeGreaterThan(-1)
    await page.close()
  })
})
