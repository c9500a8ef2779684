// Child process for the memory test: imports one file through the real core and reports the
// process's peak resident set size as the OS measured it (getrusage). With a worker script, heavy
// work runs on worker threads (in this process: their memory counts too).
import { createCore } from '../../../src/main/core/core'
import { Secrets } from '../../../src/main/core/secrets/secrets'

async function main(): Promise<void> {
  const [dataDir, path, workerScript] = process.argv.slice(2)
  if (!dataDir || !path) throw new Error('usage: import-file <dataDir> <audio path> [worker.js]')
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined }
  const core = createCore({
    dataDir,
    secrets: new Secrets(null, {}),
    fetch: () => Promise.reject(new Error('offline')),
    clock: Date.now,
    log: silent,
    mode: 'browser',
    env: {},
    workerScript,
  })
  const project = await core.dispatch('projects.create', { name: 'Memory' })
  if (!project.ok) throw new Error(project.error.message)
  const { id } = project.value as { id: string }
  const asset = await core.dispatch('assets.import', { projectId: id, path })
  core.close()
  process.stdout.write(
    JSON.stringify({ asset, maxRssBytes: process.resourceUsage().maxRSS * 1024 }),
  )
}

main().catch((error: unknown) => {
  process.stderr.write(String(error))
  process.exit(1)
})
