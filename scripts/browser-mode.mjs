// Browser mode in this very process: build when the sources are newer than the build, then load
// the host (out/main/host.js), which reads its arguments from process.argv like any entry point.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const root = fileURLToPath(new URL('..', import.meta.url))
const hostEntry = join(root, 'out/main/host.js')

/** electron-vite's command line, run by this Node (no npx, no shell). */
export function electronViteCli() {
  const packageJson = createRequire(import.meta.url).resolve('electron-vite/package.json')
  return join(dirname(packageJson), 'bin', 'electron-vite.js')
}

function newestMtime(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

function buildIfStale() {
  const builtAt = existsSync(hostEntry) ? statSync(hostEntry).mtimeMs : 0
  const sourcesAt = Math.max(
    newestMtime(join(root, 'src')),
    statSync(join(root, 'electron.vite.config.ts')).mtimeMs,
  )
  if (sourcesAt <= builtAt) return
  process.stderr.write('Building MusicSketch…\n')
  const build = spawnSync(process.execPath, [electronViteCli(), 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

/** Runs the browser-mode host with these arguments (`--data-dir DIR --port N --open`). */
export async function runBrowserMode(args) {
  buildIfStale()
  process.argv = [process.argv[0], hostEntry, ...args]
  await import(pathToFileURL(hostEntry).href)
}
