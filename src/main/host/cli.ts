import { homedir } from 'node:os'
import { resolve, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createCore } from '../core/core'
import { defaultDataDir } from '../core/data-dir'
import { confinedFileAccess } from '../core/file-access'
import { createFileLog } from '../core/log'
import { createKeychainBackend } from '../core/secrets/keychain-backend'
import { Secrets } from '../core/secrets/secrets'
import { parseServeArgs } from './cli-args'
import { MediaCapabilities } from './media-capabilities'
import { openInBrowser } from './open-browser'
import { startHost } from './server'
import { claimInstance } from './single-instance'

async function main(): Promise<void> {
  let args
  try {
    args = parseServeArgs(process.argv.slice(2), defaultDataDir())
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`)
    process.exit(2)
  }
  const dataDir = resolve(args.dataDir)
  const show = (url: string) => {
    if (!args.open) return
    openInBrowser(url, (reason) =>
      process.stderr.write(`Could not open a browser (${reason}): open the URL above.\n`),
    )
  }
  // A second start on the same data directory shows the running app instead of opening the store.
  const instance = await claimInstance(dataDir)
  if (instance.kind === 'running') {
    process.stdout.write(`MusicSketch is already running on ${instance.url}\n`)
    show(instance.url)
    return
  }
  const log = createFileLog(join(dataDir, 'logs', 'musicsketch.log'))
  const capabilities = new MediaCapabilities()
  const core = createCore({
    dataDir,
    secrets: new Secrets(createKeychainBackend(), process.env),
    fetch: globalThis.fetch,
    clock: Date.now,
    log,
    mode: 'browser',
    workerScript: fileURLToPath(new URL('./worker.js', import.meta.url)),
    localEngineScript: fileURLToPath(new URL('./local-engine.js', import.meta.url)),
    mediaUrl: (assetId) => capabilities.urlFor(assetId),
    files: confinedFileAccess(resolve(args.files ?? homedir()), dataDir),
  })
  const host = await startHost({
    core,
    rendererDir: fileURLToPath(new URL('../renderer', import.meta.url)),
    log,
    port: args.port,
    capabilities,
  })
  instance.publish(host.url)
  process.stdout.write(`MusicSketch listening on ${host.url}\n`)
  show(host.url)

  let stopping = false
  const stop = () => {
    // Ctrl+C reaches both npm and us; the second signal must not close the store twice.
    if (stopping) return
    stopping = true
    host
      .close()
      .finally(() => {
        core.close()
        return instance.release()
      })
      .then(() => process.exit(0))
      .catch(() => process.exit(1))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((error: unknown) => {
  process.stderr.write(
    `MusicSketch could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  )
  process.exit(1)
})
