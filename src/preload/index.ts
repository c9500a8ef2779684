import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import type { EventName, Events, SketchApi } from '../shared/api'
import { CALL_CHANNEL, EVENT_CHANNEL } from '../shared/channels'

// Sandboxed preload: no Node, no zod. Main validates every call against the contract.
const sketch = {
  call: (method, input) => ipcRenderer.invoke(CALL_CHANNEL, method, input),
  on: <E extends EventName>(event: E, listener: (payload: Events[E]) => void) => {
    const forward = (_: IpcRendererEvent, name: EventName, payload: Events[EventName]) => {
      if (name === event) listener(payload as Events[E])
    }
    ipcRenderer.on(EVENT_CHANNEL, forward)
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward)
    }
  },
  pathForFile: (file: File) => webUtils.getPathForFile(file),
} satisfies SketchApi

contextBridge.exposeInMainWorld('sketch', sketch)
