import { join } from 'node:path'
import { app, BrowserWindow, dialog } from 'electron'
import { createCore, type Core } from './core/core'
import { createFileLog } from './core/log'
import { createKeychainBackend } from './core/secrets/keychain-backend'
import { Secrets } from './core/secrets/secrets'
import { startDragFrom } from './drag-out'
import { bindIpc } from './ipc'
import { handleMediaProtocol, registerMediaScheme } from './media-protocol'
import { hardenSession } from './security'
import { createMainWindow } from './window'

// Wiring only: everything that matters lives in ./core and is tested under plain Node.
const isDev = !app.isPackaged && Boolean(process.env.ELECTRON_RENDERER_URL)
registerMediaScheme()
if (!app.requestSingleInstanceLock()) app.quit()

let core: Core | undefined
let mainWindow: BrowserWindow | undefined

// A second launch (another `npm start`) quits at the lock above; this one shows its window.
app.on('second-instance', () => {
  if (!mainWindow || mainWindow.isDestroyed()) return
  if (mainWindow.isMinimized()) mainWindow.restore()
  mainWindow.focus()
})

async function start(): Promise<void> {
  await app.whenReady()
  const dataDir = app.getPath('userData')
  const log = createFileLog(join(dataDir, 'logs', 'musicsketch.log'))
  core = createCore({
    dataDir,
    secrets: new Secrets(createKeychainBackend(), process.env),
    fetch: globalThis.fetch,
    clock: Date.now,
    log,
    mode: 'electron',
    workerScript: join(__dirname, 'worker.js'),
    localEngineScript: join(__dirname, 'local-engine.js'),
    startDrag: startDragFrom(() => mainWindow),
    chooseDirectory: async (title) => {
      const parent = BrowserWindow.getFocusedWindow()
      const options = { title, properties: ['openDirectory', 'createDirectory'] as const }
      const result = parent
        ? await dialog.showOpenDialog(parent, { ...options, properties: [...options.properties] })
        : await dialog.showOpenDialog({ ...options, properties: [...options.properties] })
      return result.canceled ? null : (result.filePaths[0] ?? null)
    },
  })
  hardenSession()
  handleMediaProtocol(core)
  const window = createMainWindow(isDev)
  mainWindow = window
  const unbind = bindIpc(core, window)
  window.on('closed', unbind)
}

app.on('window-all-closed', () => {
  core?.close()
  app.quit()
})

start().catch((error: unknown) => {
  console.error(
    `MusicSketch could not start: ${error instanceof Error ? error.message : String(error)}`,
  )
  app.exit(1)
})
