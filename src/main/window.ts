import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { BrowserWindow, shell } from 'electron'

const DEV_SERVER_URL = process.env.ELECTRON_RENDERER_URL

/** Only https links leave the app, and only to the system browser. */
export function openExternalSafely(url: string): void {
  try {
    if (new URL(url).protocol === 'https:') void shell.openExternal(url)
  } catch {
    /* not a URL: ignore */
  }
}

const RENDERER_INDEX = join(__dirname, '../renderer/index.html')

/** The window may only show the app itself (reloads included), never another page. */
export function isAppUrl(url: string): boolean {
  const appUrl = new URL(DEV_SERVER_URL ?? pathToFileURL(RENDERER_INDEX).href)
  try {
    const target = new URL(url)
    return target.origin === appUrl.origin && target.pathname === appUrl.pathname
  } catch {
    return false
  }
}

export function createMainWindow(isDev: boolean): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'MusicSketch',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      devTools: isDev,
      spellcheck: false,
    },
  })
  window.once('ready-to-show', () => window.show())

  window.webContents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url)
    return { action: 'deny' }
  })
  window.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault()
  })
  window.webContents.on('will-attach-webview', (event) => event.preventDefault())

  if (DEV_SERVER_URL) void window.loadURL(DEV_SERVER_URL)
  else void window.loadFile(RENDERER_INDEX)
  return window
}
