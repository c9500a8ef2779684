import type { Handlers } from '../../../shared/api'
import { MEDIA_SCHEME } from '../../../shared/channels'
import { notFound } from '../app-error'
import type { CoreContext } from '../context'

type MediaHandlers = Pick<Handlers, 'assets.mediaUrl'>

/** The app's media protocol (Electron); browser mode signs capability URLs instead. */
export const mediaProtocolUrl = (assetId: string): string => `${MEDIA_SCHEME}://asset/${assetId}`

export function mediaHandlers(
  ctx: CoreContext,
  urlFor: (assetId: string) => string,
): MediaHandlers {
  return {
    'assets.mediaUrl': ({ assetId }) => {
      if (!ctx.assets.find(assetId)) throw notFound('Asset', assetId)
      return { url: urlFor(assetId) }
    },
  }
}
