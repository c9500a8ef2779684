// Child process for the write-failure test: imports one file, places it, exports stems, and
// prints the contract's answer. The parent runs it with a file-size limit so writes fail midway.
import { createCore } from '../../../src/main/core/core'
import { Secrets } from '../../../src/main/core/secrets/secrets'

async function main(): Promise<void> {
  const [dataDir, source, directory] = process.argv.slice(2)
  if (!dataDir || !source || !directory)
    throw new Error('usage: export-stems <dataDir> <audio> <dir>')
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined }
  const core = createCore({
    dataDir,
    secrets: new Secrets(null, {}),
    fetch: () => Promise.reject(new Error('offline')),
    clock: Date.now,
    log: silent,
    mode: 'browser',
    env: {},
  })
  const call = async (method: string, input: unknown): Promise<{ id: string }> => {
    const result = await core.dispatch(method, input)
    if (!result.ok) throw new Error(`${method}: ${result.error.message}`)
    return result.value as { id: string }
  }
  const project = await call('projects.create', { name: 'Full disk' })
  const track = await call('tracks.create', { projectId: project.id })
  const asset = await call('assets.import', { projectId: project.id, path: source })
  await call('clips.create', { trackId: track.id, assetId: asset.id, start: 0 })
  const answer = await core.dispatch('export.stems', {
    projectId: project.id,
    directory,
    format: 'wav',
    sampleRate: 48000,
  })
  core.close()
  process.stdout.write(JSON.stringify(answer))
}

main().catch((error: unknown) => {
  process.stderr.write(String(error))
  process.exit(1)
})
