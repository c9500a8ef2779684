// `npm run serve -- --data-dir DIR [--port N]`: builds when the sources are newer than the build,
// then runs browser mode (the core under plain Node, the UI in any browser on 127.0.0.1).
import { spawnSync, spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const hostEntry = join(root, 'out/main/host.js')

function newestMtime(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

const builtAt = existsSync(hostEntry) ? statSync(hostEntry).mtimeMs : 0
const sourcesAt = Math.max(
  newestMtime(join(root, 'src')),
  statSync(join(root, 'electron.vite.config.ts')).mtimeMs,
)
if (sourcesAt > builtAt) {
  process.stderr.write('Building MusicSketch…\n')
  const build = spawnSync('npx', ['electron-vite', 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

const child = spawn(process.execPath, [hostEntry, ...process.argv.slice(2)], { stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code) => process.exit(code ?? 1))
