import type { CoreContext } from '../context'

/**
 * Starts a sweep of the content store in the background (see store-sweep.ts): the audio of
 * deleted projects and the temporary files of interrupted writes go, once old enough. The set of
 * blobs in use is read now, while the database is surely open. File ages are compared with the
 * system clock, the one that stamped the files.
 */
export function cleanContentStore(ctx: Pick<CoreContext, 'contentStore' | 'assets' | 'log'>): void {
  const referenced = ctx.assets.blobNames()
  ctx.contentStore.sweep(referenced, Date.now()).then(
    ({ removed, bytes }) => {
      if (removed.length > 0) {
        ctx.log.info('content store swept', { files: removed.length, bytes })
      }
    },
    (error: unknown) => {
      ctx.log.warn('content store sweep failed', { error: String(error) })
    },
  )
}
