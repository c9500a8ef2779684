// Child process, inside its own with-keyring session: a keytar item in a keyring that is locked
// and whose unlock prompt cannot be shown (no display), as on a headless login.
import { spawnSync } from 'node:child_process'
import { createKeychainBackend } from '../../../src/main/core/secrets/keychain-backend'

const SERVICE = 'MusicSketchLockedTest'

function secretTool(args: string[], input?: string) {
  return spawnSync('secret-tool', args, { input, encoding: 'utf8', timeout: 30_000 })
}

async function main(): Promise<void> {
  secretTool(
    ['store', `--label=${SERVICE}/replicate`, 'service', SERVICE, 'account', 'replicate'],
    'kept',
  )
  secretTool(['lock', '--collection=login'])
  const locked = secretTool(['lookup', 'service', SERVICE, 'account', 'replicate']).stdout === ''
  const backend = createKeychainBackend(SERVICE)
  let found: string | null = null
  let error: string | null = null
  try {
    found = (await backend?.get('replicate')) ?? null
  } catch (caught) {
    error = String(caught)
  }
  const search = secretTool(['search', '--all', 'service', SERVICE, 'account', 'replicate'])
  process.stdout.write(
    JSON.stringify({
      locked,
      found,
      error,
      stillStored: search.stdout.includes(`${SERVICE}/replicate`),
    }),
  )
}

void main()
