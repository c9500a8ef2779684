import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { launchChromium } from './browser'
import { serveApp, type ServedApp } from './serve'
import {
  startReplicateFake,
  type ReplicateFake,
  type ReplicateFakeOptions,
} from '../fakes/replicate'

/** Screenshots of the main screens, kept in the test output to be looked at. */
export const SHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots')

export function shot(name: string): string {
  return join(SHOTS, name)
}

export interface E2eSession {
  browser(): Browser
  /** Starts browser mode on a data directory; stopped after the file's tests. */
  serve(dataDir: string, env?: NodeJS.ProcessEnv): Promise<ServedApp>
}

/** One Chromium for the test file, and every app it serves stopped when the file ends. */
export function useE2e(): E2eSession {
  let browser: Browser | undefined
  const apps: ServedApp[] = []
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()))
    await browser?.close()
  })
  return {
    browser: () => {
      if (!browser) throw new Error('Chromium is not running yet')
      return browser
    },
    serve: async (dataDir, env) => {
      const app = await serveApp(dataDir, env)
      apps.push(app)
      return app
    },
  }
}

/** Test audio made by ffmpeg from its arguments (lavfi sources, filters, codec). */
export function makeAudio(dir: string, name: string, args: string[]): string {
  const path = join(dir, name)
  const result = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args, path], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(result.stderr)
  return path
}

/** A Replicate fake for the whole file, started before its tests and closed after them. */
export function useReplicateFake(options: ReplicateFakeOptions): () => ReplicateFake {
  let fake: ReplicateFake | undefined
  beforeAll(async () => {
    fake = await startReplicateFake(options)
  })
  afterAll(async () => {
    await fake?.close()
  })
  return () => {
    if (!fake) throw new Error('the Replicate fake is not running yet')
    return fake
  }
}
