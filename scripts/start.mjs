// `npm start`: the desktop app when the Electron runtime is here or can be downloaded; otherwise
// the same app in the system browser, on the data directory the desktop app uses (browser mode).
import { spawn } from 'node:child_process'
import { electronViteCli, root, runBrowserMode } from './browser-mode.mjs'
import { ensureElectron } from './ensure-electron.mjs'

const reason = ensureElectron()
if (reason === null) {
  const app = spawn(process.execPath, [electronViteCli(), 'preview', ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
  })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => app.kill(signal))
  app.on('exit', (code) => process.exit(code ?? 1))
} else {
  process.stderr.write(
    `not possible (${reason}): the Electron runtime is missing, so MusicSketch opens in your browser instead.\n`,
  )
  await runBrowserMode(['--open'])
}
