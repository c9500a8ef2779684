import type { SketchApi } from '../../../shared/api'
import { WebSocketApi } from './ws-client'

declare global {
  interface Window {
    /** Present under Electron (exposed by the preload); absent in browser mode. */
    sketch?: SketchApi
  }
}

/** One interface for the renderer: the preload bridge in Electron, JSON-RPC over WebSocket otherwise. */
export function createApiClient(): SketchApi {
  if (window.sketch) return window.sketch
  const token = new URLSearchParams(window.location.search).get('token') ?? ''
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws'
  return new WebSocketApi(`${scheme}://${window.location.host}/rpc`, token)
}
