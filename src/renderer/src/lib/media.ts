/** Where the renderer fetches an asset's audio: the app's media protocol, or the browser host. */
export function mediaUrl(assetId: string): string {
  return window.sketch ? `sketch-media://asset/${assetId}` : `/media/${assetId}`
}
