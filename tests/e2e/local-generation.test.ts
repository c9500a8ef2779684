import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { shot, useE2e } from '../helpers/e2e'
import { TINY_MODEL } from '../helpers/local-engine-script'
import { clipsOf, dragTakeOnto, projectIdOf, rpc, takesOf } from '../helpers/page'
import { tempDir } from '../helpers/temp'

const e2e = useE2e()

describe('generating on this computer, end to end', () => {
  it('offers the installed model, states its licence, makes a take and continues it with no network', async () => {
    const dir = tempDir()
    const data = join(dir, 'data')
    // The tiny random-weight model, installed where the model manager installs it.
    cpSync(TINY_MODEL, join(data, 'models', 'musicgen-small'), { recursive: true })
    // Every hosted provider and the model hub point at a closed port: nothing is reachable.
    const closed = 'http://127.0.0.1:9'
    const app = await e2e.serve(data, {
      MUSICSKETCH_REPLICATE_URL: closed,
      MUSICSKETCH_SCENARIO_URL: closed,
      MUSICSKETCH_COG_URL: closed,
      MUSICSKETCH_MODEL_HUB_URL: closed,
    })
    const page = await e2e.browser().newPage({ viewport: { width: 1440, height: 900 } })
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(app.url)

    await page.getByRole('link', { name: 'Settings' }).click()
    await page.getByRole('heading', { name: 'Generate on this computer' }).waitFor()
    await page.getByText('Licence: CC-BY-NC 4.0.').waitFor()
    await page.getByText(/^Installed: /).waitFor()
    await page.getByRole('heading', { name: 'Generate on this computer' }).scrollIntoViewIfNeeded()
    await page.screenshot({ path: shot('local-01-settings.png') })
    await page.goBack()

    await page.getByLabel('New project').fill('Train sketch')
    await page.getByRole('button', { name: 'Create' }).click()
    await page.getByRole('button', { name: 'Add the first track' }).click()
    await page.getByLabel('Provider').selectOption({ label: 'This computer' })
    await page.getByLabel('Prompt').fill('lofi hip hop beat with mellow piano')
    await page.getByLabel('Duration (s)').fill('3')
    await page.getByLabel('Duration (s)').blur()
    await page.getByRole('button', { name: 'Generate', exact: true }).click()
    const take = page.locator('[data-take-id]').first()
    await take
      .getByText('Ready')
      .waitFor({ timeout: 90_000 })
      .catch(async (error: unknown) => {
        await page.screenshot({ path: shot('local-failed.png') })
        const list = await takesOf(page)
        throw new Error(`${String(error)}\ntakes: ${JSON.stringify(list)}\nhost: ${app.stderr()}`)
      })
    await page.screenshot({ path: shot('local-02-take.png') })
    const [g] = await takesOf(page)
    expect(g).toMatchObject({ status: 'succeeded', provider: 'local', progress: 1 })
    const assets = await rpc<
      { id: string; sampleRate: number; channels: number; frames: number }[]
    >(page, 'assets.list', { projectId: projectIdOf(page) })
    expect(assets.find((a) => a.id === g!.outputAssetId)).toMatchObject({
      sampleRate: 32_000,
      channels: 1,
      frames: 96_000,
    })

    // Onto the track, then continue it on this computer: the model hears its last 2 s.
    await dragTakeOnto(page, take, page.locator('[data-track-id]').first())
    await expect.poll(async () => (await clipsOf(page)).length).toBe(1)
    const [placed] = await clipsOf(page)
    await page.locator(`[data-clip-id="${placed!.id}"]`).click({ button: 'right' })
    await page.getByRole('menuitem', { name: 'Continue…' }).click()
    await page.getByLabel('Context (s)').fill('2')
    await page.getByLabel('Context (s)').blur()
    // The take's provider and model come along: still this computer, no network needed.
    await expect.poll(() => page.getByLabel('Provider').inputValue()).toBe('local')
    await page.getByLabel('Prompt').fill('the piano melody goes on, a soft bass joins')
    await page.getByLabel('Duration (s)').fill('6')
    await page.getByLabel('Duration (s)').blur()
    await page.screenshot({ path: shot('local-03-continue.png') })
    await page.getByRole('button', { name: 'Continue', exact: true }).click()
    const landed = page.locator('[data-clip-id][data-highlighted="true"]')
    await landed.waitFor({ timeout: 90_000 }).catch(async (error: unknown) => {
      await page.screenshot({ path: shot('local-continue-failed.png') })
      const list = await takesOf(page)
      throw new Error(`${String(error)}\ntakes: ${JSON.stringify(list)}\nhost: ${app.stderr()}`)
    })
    await page.getByRole('button', { name: 'Fit' }).click()
    await page.screenshot({ path: shot('local-04-continued.png') })
    const continued = (await takesOf(page)).find((t) => t.parentClipId === placed!.id)
    expect(continued).toMatchObject({ status: 'succeeded', provider: 'local' })
    expect(continued!.params).toMatchObject({ continuation: true, duration: 6 })
    const clips = await clipsOf(page)
    expect(clips).toHaveLength(2)
    const next = clips.find((c) => c.assetId === continued!.outputAssetId)!
    // Its copy of the 2 s context lies over the clip's tail: it starts before the clip ends.
    const end = placed!.start + placed!.length
    expect(next.start).toBeLessThan(end)
    expect(next.start).toBeGreaterThan(end - 48_000)
    const after = await rpc<{ id: string; frames: number; sampleRate: number }[]>(
      page,
      'assets.list',
      { projectId: projectIdOf(page) },
    )
    expect(after.find((a) => a.id === continued!.outputAssetId)).toMatchObject({
      sampleRate: 32_000,
      frames: 6 * 32_000,
    })

    // A model from a hub that had no EnCodec encoder: the panel says so before anything is queued.
    const model = join(data, 'models', 'musicgen-small')
    const manifest = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8')) as {
      files: { path: string }[]
    }
    manifest.files = manifest.files.filter((f) => f.path !== 'onnx/encodec_encode.onnx')
    writeFileSync(join(model, 'manifest.json'), JSON.stringify(manifest))
    await page.reload()
    await page.locator(`[data-clip-id="${next.id}"]`).click({ button: 'right' })
    await page.getByRole('menuitem', { name: 'Continue…' }).click()
    await page
      .getByText(/cannot continue a clip: it was installed without its EnCodec encoder/)
      .waitFor()
    await expect
      .poll(() => page.getByRole('button', { name: 'Continue', exact: true }).isDisabled())
      .toBe(true)
    await page.screenshot({ path: shot('local-05-no-encoder.png') })
    expect(errors).toEqual([])
  })
})
