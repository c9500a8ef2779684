import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import type { Browser } from 'playwright-core'
import { launchChromium } from '../tests/helpers/browser'
import { serveApp, type ServedApp } from '../tests/helpers/serve'

/**
 * What a bench in headless Chromium against browser mode holds: a temporary folder, the app it
 * serves and the browser that opens it. All are stopped and removed after the bench file's runs.
 */
export class BrowserBench {
  readonly dir: string
  #browser: Browser | undefined
  #app: ServedApp | undefined

  constructor(name: string) {
    this.dir = mkdtempSync(join(tmpdir(), `musicsketch-bench-${name}-`))
    afterAll(async () => {
      await this.#browser?.close()
      await this.#app?.stop()
      rmSync(this.dir, { recursive: true, force: true })
    })
  }

  /** Serves the app on `dataDir`, then launches the browser. */
  async start(dataDir: string): Promise<void> {
    this.#app = await serveApp(dataDir)
    this.#browser = await launchChromium()
  }

  get browser(): Browser {
    if (this.#browser === undefined) throw new Error('start() the bench first')
    return this.#browser
  }

  get app(): ServedApp {
    if (this.#app === undefined) throw new Error('start() the bench first')
    return this.#app
  }
}
