// electron 45 downloads its binary on first use. Do that before launching it, and explain plainly
// when it cannot be had (no network, a blocked mirror) instead of showing a stack trace.
// `npm start` falls back to browser mode on a failure (scripts/start.mjs); `npm run dev` stops.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const electronDir = dirname(require.resolve('electron/package.json'))
const pathFile = join(electronDir, 'path.txt')

/** Where `electron` will look for its binary (the same rule as electron/index.js). */
function binaryPath() {
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : ''
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  if (override) return join(override, executable || 'electron')
  return executable ? join(electronDir, 'dist', executable) : null
}

function binaryPresent() {
  const path = binaryPath()
  return path !== null && existsSync(path)
}

/**
 * Downloads the runtime when it is missing: null when it is there, else the reason. The progress
 * line is left open on a failure, for the caller to finish with what happens instead.
 */
export function ensureElectron() {
  if (binaryPresent()) return null
  process.stderr.write('Downloading the Electron runtime (first launch only)… ')
  const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
    timeout: 10 * 60 * 1000,
  })
  if (result.status === 0 && binaryPresent()) {
    process.stderr.write('done.\n')
    return null
  }
  if (result.status === 0) return `no Electron binary at ${binaryPath()}`
  const firstLine = (result.stderr || '').split('\n').find((line) => line.trim()) ?? 'unknown error'
  const source = process.env.ELECTRON_MIRROR
    ? `the mirror ${process.env.ELECTRON_MIRROR}`
    : 'GitHub'
  return `${firstLine.trim().slice(0, 200)}, from ${source}`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const reason = ensureElectron()
  if (reason !== null) {
    process.stderr.write(
      [
        'not possible.',
        '',
        'MusicSketch cannot start: the Electron runtime is not installed and could not be downloaded.',
        `  reason: ${reason}`,
        '',
        'Electron fetches its binary from GitHub on first launch. Connect to the internet and try',
        'again, or point ELECTRON_MIRROR at a reachable mirror. Without Electron, `npm start` opens',
        'the same app in your browser.',
        '',
      ].join('\n'),
    )
    process.exit(1)
  }
}
