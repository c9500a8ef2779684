import type { SketchApi } from '../../../shared/api'

/**
 * Where the renderer fetches an asset's audio: the app's media protocol, or in browser mode a
 * short-lived URL for this asset alone. Asked for at each use, since it expires.
 */
export async function mediaUrl(api: SketchApi, assetId: string): Promise<string> {
  const answer = await api.call('assets.mediaUrl', { assetId })
  if (!answer.ok) throw new Error(answer.error.message)
  return answer.value.url
}
