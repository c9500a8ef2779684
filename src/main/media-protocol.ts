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
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url)
    const assetId = url.hostname === 'asset' ? url.pathname.replace(/^\//, '') : ''
    if (!/^[0-9a-f-]{36}$/.test(assetId)) return new Response('Not found', { status: 404 })
    const media = await core.media(assetId).catch(() => null)
    if (!media) return new Response('Not found', { status: 404 })
    if (media.kind === 'bytes') {
      return new Response(media.bytes, { headers: { 'content-type': media.contentType } })
    }
    const response = await net.fetch(pathToFileURL(media.path).toString(), {
      headers: request.headers,
    })
    return new Response(response.body, {
      status: response.status,
      headers: { ...Object.fromEntries(response.headers), 'content-type': media.contentType },
    })
  })
}
