// Issue 12 items 5 and 6 as a musician meets them: a key checked when it is saved, a take refused
// for its key leading back to Settings, and the header, the chip and the takes agreeing while
// Replicate is down, then the takes starting by themselves when it is back.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { rpc } from '../helpers/page'
import { shot, useE2e, useReplicateFake } from '../helpers/e2e'
import { closedPort } from '../helpers/ports'
import { tempDir } from '../helpers/temp'

const GOOD = 'r8_truthToken42'
const replicate = useReplicateFake({ token: GOOD, maxOutputSeconds: 2 })
const e2e = useE2e()

async function openApp(): Promise<Page> {
  // Scenario and Cog refuse connections: nothing here depends on the world outside.
  const app = await e2e.serve(join(tempDir(), 'data'), {
    MUSICSKETCH_REPLICATE_URL: replicate().url,
    MUSICSKETCH_SCENARIO_URL: `http://127.0.0.1:${await closedPort()}`,
    MUSICSKETCH_COG_URL: `http://127.0.0.1:${await closedPort()}`,
  })
  const page = await e2e.browser().newPage({ viewport: { width: 1440, height: 900 } })
  await page.goto(app.url)
  // The test keychain is shared by the e2e files.
  await rpc(page, 'secrets.clear', { account: 'replicate' })
  return page
}

async function saveToken(page: Page, value: string): Promise<void> {
  const field = page.getByLabel('Replicate API token')
  await field.fill(value)
  await page.locator('form.secret', { has: field }).getByRole('button', { name: 'Save' }).click()
}

const stateOf = async (page: Page): Promise<string | undefined> =>
  (await page.getByTestId('secret-state-replicate').textContent())?.trim()

describe('the truth about keys and reachability', () => {
  it('checks a key when it is saved: rejected, valid, could not check (offline); a refused take leads to Settings', async () => {
    const page = await openApp()
    await page.getByRole('link', { name: 'Settings' }).click()

    await saveToken(page, 'r8_wrongToken7')
    await expect.poll(() => stateOf(page)).toBe('rejected by Replicate')
    const check = page.getByTestId('key-check-replicate')
    await expect.poll(() => check.textContent()).toMatch(/Replicate refused this key/)
    await check.getByRole('button', { name: 'Details' }).click()
    await expect.poll(() => check.textContent()).toMatch(/valid authentication token.*HTTP 401/)
    await page.screenshot({ path: shot('truth-01-key-rejected.png') })

    // A take sent with it fails for its key and links back to Settings.
    await page.getByRole('link', { name: 'Projects' }).click()
    await page.getByLabel('New project').fill('Keys')
    await page.getByRole('button', { name: 'Create' }).click()
    // The Generate panel knows before anything is sent.
    await page.getByText('Replicate refused the saved key.').waitFor()
    await page.getByLabel('Prompt').fill('bossa nova guitar')
    await page.getByRole('button', { name: 'Generate', exact: true }).click()
    const take = page.locator('[data-take-id]').first()
    await take.getByText('Failed').waitFor({ timeout: 20_000 })
    await page.screenshot({ path: shot('truth-02-take-auth-failed.png') })
    await take.getByRole('link', { name: 'Check the key in Settings' }).click()
    await page.getByLabel('Replicate API token').waitFor()

    await saveToken(page, GOOD)
    await expect.poll(() => stateOf(page)).toBe('valid')
    await expect.poll(() => check.textContent()).toMatch(/Replicate accepted this key/)

    // Saved while Replicate is down: kept, and said so; checked again once it is back.
    await replicate().down()
    try {
      await saveToken(page, GOOD)
      await expect.poll(() => stateOf(page)).toBe('could not check (offline)')
      await expect.poll(() => check.textContent()).toMatch(/key is saved/)
      await page.screenshot({ path: shot('truth-03-key-offline.png') })
    } finally {
      await replicate().up()
    }
    await check.getByRole('button', { name: 'Check again' }).click()
    await expect.poll(() => stateOf(page)).toBe('valid')
    await page.screenshot({ path: shot('truth-04-key-valid.png') })
    await page.close()
  })

  it('Replicate down: the header, the chip and the takes agree at once; the takes start when it is back', async () => {
    const page = await openApp()
    await rpc(page, 'secrets.set', { account: 'replicate', value: GOOD })
    await page.getByLabel('New project').fill('Down')
    await page.getByRole('button', { name: 'Create' }).click()
    const status = page.getByRole('status', { name: 'Connection' })
    // Network up, Replicate answering, the other services refusing: not a bare "Online".
    await expect
      .poll(() => status.getByRole('button').textContent())
      .toBe("Online — Scenario and Local Cog can't be reached")

    await replicate().down()
    try {
      await page.getByLabel('Prompt').fill('dusty boom bap drums')
      await page.getByRole('spinbutton', { name: 'Takes' }).fill('3')
      await page.getByRole('button', { name: 'Generate 3 takes' }).click()
      await expect
        .poll(() => status.getByRole('button').textContent())
        .toBe("Replicate can't be reached — 3 takes will start when it's back")
      expect(await status.textContent()).toContain("Replicate: can't be reached")
      const takes = page.locator('[data-take-id]')
      await expect.poll(() => takes.count()).toBe(3)
      for (const take of await takes.all()) {
        await expect.poll(() => take.textContent()).toMatch(/Waiting for Replicate/)
        expect(await take.textContent()).toContain(
          "Replicate can't be reached — this take starts when it's back",
        )
      }
      // The technical cause is one click away, on the take and in the header.
      const first = takes.first()
      await first.getByRole('button', { name: 'Details' }).click()
      await expect.poll(() => first.textContent()).toMatch(/ECONNREFUSED/)
      await status.getByRole('button').click()
      await expect
        .poll(() => status.getByRole('list', { name: 'Technical details' }).textContent())
        .toMatch(/Replicate:\s+[^:]+: ECONNREFUSED \(3 waiting\)/)
      await page.screenshot({ path: shot('truth-05-replicate-down.png') })
    } finally {
      await replicate().up()
    }

    // Back: the takes start by themselves and the header says so.
    for (const take of await page.locator('[data-take-id]').all()) {
      await take.getByText('Ready').waitFor({ timeout: 60_000 })
    }
    await expect
      .poll(() => status.getByRole('button').textContent())
      .toBe("Online — Scenario and Local Cog can't be reached")
    await page.screenshot({ path: shot('truth-06-replicate-back.png') })
    await page.close()
  })
})
