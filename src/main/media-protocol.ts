import { pathToFileURL } from 'node:url'
import { net, protocol } from 'electron'
import type { Core } from './core/core'
import { MEDIA_SCHEME } from '../shared/channels'

export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: MEDIA_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
    },
  ])
}

/** `sketch-media://asset/<id>` serves a stored asset by id; nothing outside the store is reachable. */
export function handleMediaProtocol(core: Core): void {
  protocol.handle(MEDIA_SCHEME, (request) => {
    const url = new URL(request.url)
    const assetId = url.hostname === 'asset' ? url.pathname.replace(/^\//, '') : ''
    const path = /^[0-9a-f-]{36}$/.test(assetId) ? core.assetPath(assetId) : null
    if (!path) return new Response('Not found', { status: 404 })
    return net.fetch(pathToFileURL(path).toString(), { headers: request.headers })
  })
}
