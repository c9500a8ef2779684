import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import type { Core } from './core/core'
import { fail } from '../shared/result'
import { CALL_CHANNEL, EVENT_CHANNEL } from '../shared/channels'

/** The one IPC channel: every call goes through the contract's validation in `core.dispatch`. */
export function bindIpc(core: Core, window: BrowserWindow): () => void {
  const fromOurWindow = (event: IpcMainInvokeEvent) =>
    event.sender === window.webContents && event.senderFrame === window.webContents.mainFrame

  ipcMain.handle(CALL_CHANNEL, (event, method: unknown, input: unknown) => {
    if (!fromOurWindow(event)) return fail('invalid_input', 'call refused: unknown sender frame')
    return core.dispatch(method, input)
  })
  const unsubscribe = core.events.onAny((name, payload) => {
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, name, payload)
  })
  return () => {
    ipcMain.removeHandler(CALL_CHANNEL)
    unsubscribe()
  }
}
