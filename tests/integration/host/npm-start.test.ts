import { type ChildProcess, spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import { tempDir } from '../../helpers/temp'

// `npm start` as a newcomer runs it on a machine where the Electron runtime cannot be had. The
// download is made impossible (ELECTRON_MIRROR at a closed local port, an empty download cache)
// and ELECTRON_OVERRIDE_DIST_PATH (electron's own variable) points at an empty directory, so the
// runtime is missing here even on a machine where it is installed. The first start may build.
const ROOT = join(import.meta.dirname, '..', '..', '..')
const started: ChildProcess[] = []

afterAll(() => {
  for (const child of started) {
    try {
      process.kill(-child.pid!, 'SIGKILL') // whatever of its group a failed test left running
    } catch {
      /* the group is gone already */
    }
  }
})

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function newcomerEnv(): Promise<{ env: NodeJS.ProcessEnv; home: string; opened: string }> {
  const home = tempDir()
  const opened = join(home, 'opened-urls')
  // xdg-open without a desktop hands the URL to $BROWSER: this one writes down what it got.
  const browser = join(home, 'browser.sh')
  writeFileSync(browser, `#!/bin/sh\necho "$1" >> '${opened}'\n`)
  chmodSync(browser, 0o755)
  mkdirSync(join(home, 'electron-dist'))
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: join(home, 'config'),
    ELECTRON_MIRROR: `http://127.0.0.1:${await closedPort()}/`,
    electron_config_cache: join(home, 'electron-cache'),
    ELECTRON_OVERRIDE_DIST_PATH: join(home, 'electron-dist'),
    BROWSER: browser,
  }
  for (const name of ['DISPLAY', 'WAYLAND_DISPLAY', 'XDG_CURRENT_DESKTOP', 'DESKTOP_SESSION']) {
    delete env[name]
  }
  return { env, home, opened }
}

interface Run {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  exited: Promise<number | null>
}

function npmStart(env: NodeJS.ProcessEnv): Run {
  // Its own process group, as in a terminal, where Ctrl+C reaches npm and the app alike.
  const child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true })
  started.push(child)
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  return { child, stdout: () => stdout, stderr: () => stderr, exited }
}

function printed(run: Run, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const look = () => {
      const match = pattern.exec(run.stdout())
      if (match?.[1]) {
        run.child.stdout?.off('data', look)
        resolve(match[1])
      }
    }
    run.child.stdout?.on('data', look)
    void run.exited.then((code) =>
      reject(new Error(`npm start exited (${code}) before printing a URL:\n${run.stderr()}`)),
    )
    look()
  })
}

function callContract(url: URL, method: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${url.host}/rpc?token=${url.searchParams.get('token') ?? ''}`)
    ws.once('error', reject)
    ws.once('open', () => ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: {} })))
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: unknown }
      if (message.id !== 1) return
      ws.close()
      resolve(message.result)
    })
  })
}

const URL_LINE = /MusicSketch listening on (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/

describe('npm start without the Electron runtime', () => {
  it('says so in one line, serves the app on the default data directory and opens the browser; a second start shows the running one; Ctrl+C closes the store', async () => {
    const { env, home, opened } = await newcomerEnv()
    const first = npmStart(env)
    const url = new URL(await printed(first, URL_LINE))

    const notice = first
      .stderr()
      .split('\n')
      .filter((line) => line.includes('Electron'))
    expect(notice).toHaveLength(1)
    expect(notice[0]).toMatch(
      /^Downloading the Electron runtime .* not possible \(.*\): .*MusicSketch opens in your browser instead\.$/,
    )

    const page = await fetch(url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<div id="app"')

    const dataDir = join(home, 'config', 'MusicSketch')
    expect(await callContract(url, 'app.info')).toMatchObject({
      ok: true,
      value: { name: 'MusicSketch', mode: 'browser', dataDir },
    })
    await vi.waitFor(() => expect(readFileSync(opened, 'utf8')).toBe(`${url.href}\n`), {
      timeout: 30_000,
    })

    const second = npmStart(env)
    expect(await second.exited).toBe(0)
    expect(second.stdout()).toContain(`MusicSketch is already running on ${url.href}`)
    await vi.waitFor(
      () => expect(readFileSync(opened, 'utf8')).toBe(`${url.href}\n${url.href}\n`),
      { timeout: 30_000 },
    )
    expect(first.child.exitCode).toBeNull()

    const stderrBefore = first.stderr()
    process.kill(-first.child.pid!, 'SIGINT')
    // npm itself ends by the signal it got, after the app has finished stopping; nothing is said.
    await first.exited
    expect(first.stderr()).toBe(stderrBefore)
    // A store closed cleanly has folded its write-ahead log back into the database.
    expect(existsSync(join(dataDir, 'musicsketch.sqlite'))).toBe(true)
    expect(existsSync(join(dataDir, 'musicsketch.sqlite-wal'))).toBe(false)
    expect(existsSync(join(dataDir, 'instance.sock'))).toBe(false)
  }, 300_000)
})
