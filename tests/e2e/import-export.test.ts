import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { dropFiles } from '../helpers/drop'
import { makeAudio, shot, useE2e } from '../helpers/e2e'
import { tempDir } from '../helpers/temp'

const e2e = useE2e()

describe('drag audio in, export stems out', () => {
  it('imports dropped files (WAV, MP3, M4A) as clips with waveforms and exports equal stems', async () => {
    const dir = tempDir()
    const drums = makeAudio(dir, 'drums.wav', [
      '-f',
      'lavfi',
      '-i',
      'anoisesrc=d=3:c=pink:r=44100:a=0.8',
      '-af',
      'tremolo=f=2:d=0.9',
      '-ac',
      '2',
    ])
    const pad = makeAudio(dir, 'pad.mp3', [
      '-f',
      'lavfi',
      '-i',
      'sine=f=220:d=4:r=44100',
      '-af',
      'volume=6,tremolo=f=1:d=0.7',
      '-ac',
      '2',
      '-c:a',
      'libmp3lame',
    ])
    // An iPhone/GarageBand-style M4A (AAC-LC), as long as the drums: gapless, it lands as long.
    const riff = makeAudio(dir, 'riff.m4a', [
      '-f',
      'lavfi',
      '-i',
      'sine=f=330:d=3:r=44100',
      '-af',
      'volume=6,tremolo=f=3:d=0.8',
      '-ac',
      '2',
      '-c:a',
      'aac',
    ])
    const app = await e2e.serve(join(dir, 'data'))
    const page = await e2e.browser().newPage({ viewport: { width: 1280, height: 800 } })
    await page.goto(app.url)
    await page.getByLabel('New project').fill('Drop test')
    await page.getByRole('button', { name: 'Create' }).click()
    await page.getByRole('button', { name: 'Add the first track' }).click()

    const lane = page.locator('[data-track-id]').first()
    await dropFiles(page, lane, [drums, pad, riff], { x: 0.02, y: 0.5 })
    await expect.poll(() => page.locator('[data-clip-id]').count(), { timeout: 20_000 }).toBe(3)
    // All landed on the track under the pointer, one after the other.
    expect(await lane.locator('[data-clip-id]').count()).toBe(3)
    // The M4A clip is exactly as long as the 3-second WAV (encoder delay and padding trimmed).
    const widthOf = async (name: string) =>
      (await page.getByRole('button', { name: new RegExp(`^Clip ${name}`) }).boundingBox())!.width
    expect(Math.abs((await widthOf('riff')) - (await widthOf('drums')))).toBeLessThan(1)
    // All clips' waveforms are drawn on the lane's canvas.
    await expect
      .poll(
        async () =>
          ((await page.locator('canvas[data-drawn]').first().getAttribute('data-drawn')) ?? '')
            .split(' ')
            .filter(Boolean).length,
      )
      .toBe(3)
    await page.screenshot({ path: shot('import-01-clips.png') })

    // Dropping on empty space below the tracks makes a new track.
    await dropFiles(page, page.locator('.head').first(), [drums])
    await expect.poll(() => page.locator('[data-track-id]').count()).toBe(2)

    const out = join(dir, 'stems')
    mkdirSync(out)
    await page.getByRole('button', { name: 'Export stems' }).click()
    await page.getByLabel('Folder').fill(out)
    await page.getByRole('button', { name: 'Export', exact: true }).click()
    await page.getByText(/Exported 4 files/).waitFor({ timeout: 30_000 })
    await page.screenshot({ path: shot('import-02-exported.png') })
    expect(readdirSync(out).sort()).toEqual([
      'Drop test - 01 Track 1.wav',
      'Drop test - 02 drums.wav',
      'Drop test - Mix.wav',
      'Drop test - stems.json',
    ])
    await page.close()
  })

  it('cancels a long export from its dialog, leaving the folder empty', async () => {
    const dir = tempDir()
    const long = makeAudio(dir, 'long take.wav', [
      ...['-f', 'lavfi', '-i', 'anoisesrc=d=240:c=pink:r=48000:a=0.5'],
      ...['-ac', '1', '-c:a', 'pcm_s16le'],
    ])
    const app = await e2e.serve(join(dir, 'data'))
    const page = await e2e.browser().newPage({ viewport: { width: 1280, height: 800 } })
    await page.goto(app.url)
    await page.getByLabel('New project').fill('Cancel test')
    await page.getByRole('button', { name: 'Create' }).click()
    await page.getByRole('button', { name: 'Add the first track' }).click()
    await dropFiles(page, page.locator('[data-track-id]').first(), [long], { x: 0.02, y: 0.5 })
    await expect.poll(() => page.locator('[data-clip-id]').count(), { timeout: 30_000 }).toBe(1)
    await dropFiles(page, page.locator('.head').first(), [long])
    await expect.poll(() => page.locator('[data-clip-id]').count(), { timeout: 30_000 }).toBe(2)

    const out = join(dir, 'stems')
    mkdirSync(out)
    await page.getByRole('button', { name: 'Export stems' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByLabel('Folder').fill(out)
    await dialog.getByLabel('Format').selectOption('flac')
    await dialog.getByRole('button', { name: 'Export', exact: true }).click()
    await dialog.getByLabel('Export progress').waitFor()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.getByText('Export canceled: nothing was written.').waitFor({ timeout: 30_000 })
    await page.screenshot({ path: shot('import-03-export-canceled.png') })
    expect(readdirSync(out)).toEqual([])
    await dialog.getByRole('button', { name: 'Close' }).click()
    await expect.poll(() => page.locator('dialog[open]').count()).toBe(0)
    await page.close()
  })
})
