import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { decodeWav } from '../../src/main/core/audio/formats/wav/decode'
import type { Generation } from '../../src/shared/domain'
import { centerOf, clipsOf, drag, dragTakeOnto, rpc, takesOf } from '../helpers/page'
import { makeAudio, shot, useE2e, useReplicateFake } from '../helpers/e2e'
import { dropFiles } from '../helpers/drop'
import { tempDir } from '../helpers/temp'

const replicate = useReplicateFake({ maxOutputSeconds: 30, token: 'r8_e2eToken123' })

const e2e = useE2e()

async function takes(page: Page): Promise<Generation[]> {
  return takesOf(page)
}

describe('sketching with MusicGen, end to end', () => {
  it('sets a key, generates a take, places it, extends it twice, plays, undoes, exports, reloads', async () => {
    const dir = tempDir()
    const app = await e2e.serve(join(dir, 'data'), { MUSICSKETCH_REPLICATE_URL: replicate().url })
    const page = await e2e.browser().newPage({ viewport: { width: 1440, height: 900 } })
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(app.url)
    // The test keychain is shared by the e2e files: other files leave a Replicate key in it.
    await rpc(page, 'secrets.clear', { account: 'replicate' })

    // A new user: a project, a track, then the key.
    await page.getByLabel('New project').fill('First sketch')
    await page.getByRole('button', { name: 'Create' }).click()
    await page.getByRole('button', { name: 'Add the first track' }).click()
    await page.getByText('No Replicate key is set').waitFor()
    await page.getByRole('link', { name: 'Add it in Settings' }).click()
    await page.getByLabel('Replicate API token').fill('r8_e2eToken123')
    await page
      .locator('form.secret', { has: page.getByLabel('Replicate API token') })
      .getByRole('button', { name: 'Save' })
      .click()
    await expect
      .poll(async () => (await page.getByTestId('secret-state-replicate').textContent())?.trim())
      .toBe('valid')
    await page.goBack()
    await page.getByRole('heading', { name: 'Generate' }).waitFor()

    // A prompt, a take.
    await page.getByLabel('Prompt').fill('dreamy synth pads, slow arpeggio')
    await page.getByLabel('Duration (s)').fill('12')
    await page.getByLabel('Duration (s)').blur()
    await page.getByRole('button', { name: 'Generate', exact: true }).click()
    const firstTake = page.locator('[data-take-id]').first()
    await firstTake
      .getByText('Ready')
      .waitFor({ timeout: 30_000 })
      .catch(async (error: unknown) => {
        await page.screenshot({ path: shot('sketch-failed.png') })
        throw new Error(
          `${String(error)}\ntakes: ${JSON.stringify(await takes(page))}\nhost: ${app.stderr()}`,
        )
      })
    await page.screenshot({ path: shot('sketch-01-take.png') })
    expect(replicate().state.created).toBe(1)
    const [take] = await takes(page)
    expect(take).toMatchObject({ status: 'succeeded', provider: 'replicate' })
    expect(await firstTake.textContent()).toContain(`seed ${take!.seed}`)

    // Onto the track.
    await dragTakeOnto(page, firstTake, page.locator('[data-track-id]').first())
    await expect.poll(async () => (await clipsOf(page)).length).toBe(1)
    const [placed] = await clipsOf(page)
    expect(placed!.assetId).toBe(take!.outputAssetId)

    // Continue it twice in a row: Continue…, a 4 s context, a second segment, Extend ×2.
    await page.locator(`[data-clip-id="${placed!.id}"]`).click({ button: 'right' })
    await page.getByRole('menuitem', { name: 'Continue…' }).click()
    await page
      .getByLabel('Context (s)')
      .waitFor({ timeout: 5000 })
      .catch(() => {
        throw new Error(`no continuation form; page errors: ${errors.join(' | ')}`)
      })
    await page.getByLabel('Context (s)').fill('4')
    await page.getByLabel('Context (s)').blur()
    await page.getByLabel('Prompt').fill('the arpeggio opens up, drums enter')
    await page.getByRole('button', { name: /Add a segment/ }).click()
    await page.getByLabel('Segment 2', { exact: true }).fill('big chorus')
    await page.screenshot({ path: shot('sketch-02-extend.png') })
    await page.getByRole('button', { name: 'Extend ×2' }).click()
    await expect.poll(async () => (await clipsOf(page)).length, { timeout: 60_000 }).toBe(3)
    const chain = await clipsOf(page)
    expect(chain.every((clip) => clip.trackIndex === 0)).toBe(true)
    for (let i = 1; i < chain.length; i++) {
      expect(chain[i]!.start).toBe(chain[i - 1]!.start + chain[i - 1]!.length - 2400)
    }
    const all = await takes(page)
    expect(all.filter((g) => g.parentClipId !== null)).toHaveLength(2)
    expect(all.map((g) => g.params.prompt)).toContain('big chorus')
    await page.getByRole('button', { name: 'Fit' }).click()
    await page.screenshot({ path: shot('sketch-03-chain.png') })

    // Play: the playhead moves.
    const clock = page.getByLabel('Playhead position')
    const before = await clock.textContent()
    await page.locator('body').press('Space')
    await expect.poll(() => clock.textContent(), { timeout: 10_000 }).not.toBe(before)
    await page.locator('body').press('Space')

    // Undo and redo a move.
    const target = chain[0]!
    const start = await centerOf(page, `[data-clip-id="${target.id}"]`)
    await drag(page, start, 60, 0)
    await expect
      .poll(async () => (await clipsOf(page)).find((c) => c.id === target.id)?.start)
      .not.toBe(target.start)
    await page.locator('body').press('Control+z')
    await expect
      .poll(async () => (await clipsOf(page)).find((c) => c.id === target.id)?.start)
      .toBe(target.start)
    await page.locator('body').press('Control+Shift+z')
    await expect
      .poll(async () => (await clipsOf(page)).find((c) => c.id === target.id)?.start)
      .not.toBe(target.start)

    // Export stems: every file the same length.
    const out = join(dir, 'stems')
    mkdirSync(out)
    await page.getByRole('button', { name: 'Add track' }).click()
    await dragTakeOnto(page, firstTake, page.locator('[data-track-id]').nth(1))
    await expect.poll(async () => (await clipsOf(page)).length).toBe(4)
    await page.getByRole('button', { name: 'Export stems' }).click()
    await page.getByLabel('Folder').fill(out)
    await page.getByRole('button', { name: 'Export', exact: true }).click()
    await page.getByText(/Exported 4 files/).waitFor({ timeout: 30_000 })
    await page.getByRole('button', { name: 'Close' }).click()
    const wavs = readdirSync(out).filter((name) => name.endsWith('.wav'))
    expect(wavs).toHaveLength(3)
    const lengths = wavs.map(
      (name) => decodeWav(readFileSync(join(out, name))).audio.channels[0]!.length,
    )
    expect(new Set(lengths).size).toBe(1)

    // Reload: everything is still there.
    const clipsBefore = await clipsOf(page)
    await page.reload()
    await page.locator('[data-take-id]').first().waitFor()
    expect(await page.locator('[data-take-id]').count()).toBe(3)
    expect(await clipsOf(page)).toEqual(clipsBefore)
    await page.screenshot({ path: shot('sketch-04-reloaded.png') })
    expect(errors).toEqual([])
    expect(replicate().state.created).toBe(3)
    await page.close()
  })

  it('takes a melody from a file dropped on the melody field', async () => {
    const dir = tempDir()
    const app = await e2e.serve(join(dir, 'data'), { MUSICSKETCH_REPLICATE_URL: replicate().url })
    const page = await e2e.browser().newPage({ viewport: { width: 1440, height: 900 } })
    await page.goto(app.url)
    await rpc(page, 'secrets.set', { account: 'replicate', value: 'r8_e2eToken123' })
    await page.getByLabel('New project').fill('Melody')
    await page.getByRole('button', { name: 'Create' }).click()
    await page.getByRole('button', { name: 'Add the first track' }).click()
    const hum = makeAudio(dir, 'hum.wav', ['-f', 'lavfi', '-i', 'sine=f=330:d=3:r=32000'])
    await dropFiles(page, page.getByRole('group', { name: /Melody input/ }), [hum])
    // The dropped file is uploaded, then imported: on a busy machine that takes seconds.
    await expect
      .poll(() => page.locator('#melody option:checked').textContent(), { timeout: 20_000 })
      .toBe('hum.wav')
    // Nothing landed on the timeline: the file is only a reference.
    expect(await clipsOf(page)).toEqual([])
    await page.getByLabel('Prompt').fill('cello following the hum')
    const created = replicate().state.created
    await page.getByRole('button', { name: 'Generate', exact: true }).click()
    await expect.poll(() => replicate().state.created).toBe(created + 1)
    const sent = [...replicate().state.predictions.values()].at(-1)!
    expect(String(sent.input.input_audio)).toMatch(/^(data:audio|http)/)
    expect(sent.input.continuation).toBe(false)
    await page.close()
  })
})
