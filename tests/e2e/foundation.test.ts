import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { shot, useE2e } from '../helpers/e2e'
import { closedPort } from '../helpers/ports'
import { tempDir } from '../helpers/temp'

const e2e = useE2e()

async function openApp(dataDir: string, env?: NodeJS.ProcessEnv): Promise<Page> {
  const app = await e2e.serve(dataDir, env)
  const page = await e2e.browser().newPage({ viewport: { width: 1280, height: 800 } })
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(app.url)
  await page.getByRole('heading', { name: 'Projects' }).waitFor()
  expect(errors).toEqual([])
  return page
}

describe('foundation, as a musician uses it', () => {
  it('creates a project, adds and renames tracks, and finds them after a reload', async () => {
    const page = await openApp(tempDir())
    await page.getByText('No projects yet').waitFor()
    await page.screenshot({ path: shot('foundation-01-empty.png') })

    await page.getByLabel('New project').fill('Night drive')
    await page.getByRole('button', { name: 'Create' }).click()
    await page.getByRole('button', { name: 'Add the first track' }).click()
    await page.getByRole('button', { name: 'Add track' }).click()
    await page.getByRole('button', { name: 'Rename track: Track 1' }).click()
    const input = page.getByLabel('Rename track', { exact: true })
    await input.fill('Drums')
    await input.press('Enter')
    await page.getByRole('button', { name: 'Rename track: Drums' }).waitFor()
    await page.getByRole('button', { name: 'Move Track 2 up' }).click()
    await page.getByRole('button', { name: 'Mute Drums' }).click()
    await expect.poll(() => page.title()).toBe('Night drive · MusicSketch')
    await page.screenshot({ path: shot('foundation-02-tracks.png') })

    // A tempo turns the ruler into bars and beats.
    await page.getByRole('spinbutton', { name: 'Tempo' }).fill('96')
    await page.getByRole('spinbutton', { name: 'Tempo' }).press('Enter')
    await page.getByText('96 bpm').waitFor()

    await page.reload()
    await page.getByRole('button', { name: 'Rename track: Drums' }).waitFor()
    await page.getByText('96 bpm').waitFor()
    const names = await page.locator('.lane .name').allTextContents()
    expect(names).toEqual(['Track 2', 'Drums'])
    expect(
      await page.getByRole('button', { name: 'Mute Drums' }).getAttribute('aria-pressed'),
    ).toBe('true')

    await page.getByRole('link', { name: 'Projects' }).click()
    await page.getByRole('button', { name: 'Open Night drive' }).waitFor()
    await page.close()
  })

  it('stores a key it could not check and never shows it in the page', async () => {
    // Replicate refuses the connection: the key is kept, and the page says it was not checked.
    const page = await openApp(tempDir(), {
      MUSICSKETCH_REPLICATE_URL: `http://127.0.0.1:${await closedPort()}`,
    })
    await page.getByRole('link', { name: /Settings/ }).click()
    const key = `r8_e2eSecret${Date.now()}`
    const field = page.getByLabel('Replicate API token')
    await field.fill(key)
    await page.locator('form.secret', { has: field }).getByRole('button', { name: 'Save' }).click()
    await expect
      .poll(async () => (await page.getByTestId('secret-state-replicate').textContent())?.trim())
      .toBe('could not check (offline)')
    await expect.poll(() => field.inputValue()).toBe('')
    await page.screenshot({ path: shot('foundation-03-settings.png') })
    expect(await page.content()).not.toContain(key)

    await page.reload()
    await page.getByTestId('secret-state-replicate').waitFor()
    expect((await page.getByTestId('secret-state-replicate').textContent())?.trim()).toBe(
      'could not check (offline)',
    )
    expect(await page.content()).not.toContain(key)
    await page.getByRole('button', { name: 'Clear' }).click()
    await expect
      .poll(async () => (await page.getByTestId('secret-state-replicate').textContent())?.trim())
      .toBe('not set')
    await page.close()
  })
})
