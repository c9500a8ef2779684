// electron 45 downloads its binary on first use. Do that before `npm start`, and explain plainly
// when it cannot be had (no network, a blocked mirror) instead of showing a stack trace.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const electronDir = dirname(require.resolve('electron/package.json'))
const pathFile = join(electronDir, 'path.txt')

function binaryPresent() {
  if (!existsSync(pathFile)) return false
  return existsSync(join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()))
}

if (!binaryPresent()) {
  process.stderr.write('Downloading the Electron runtime (first launch only)…\n')
  const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
    timeout: 10 * 60 * 1000,
  })
  if (result.status !== 0 || !binaryPresent()) {
    const reason = (result.stderr || '').split('\n').find((line) => line.trim()) ?? 'unknown error'
    process.stderr.write(
      [
        '',
        'MusicSketch cannot start: the Electron runtime is not installed and could not be downloaded.',
        `  reason: ${reason.trim().slice(0, 300)}`,
        '',
        'Electron fetches its binary from GitHub on first launch. Connect to the internet and run',
        '`npm start` again, or point ELECTRON_MIRROR at a reachable mirror.',
        'Without Electron you can still use the app in a browser: npm run serve -- --data-dir ./data',
        '',
      ].join('\n'),
    )
    process.exit(1)
  }
}
