// Child process: the real keychain backend in an environment with no Secret Service (no D-Bus).
import { createKeychainBackend } from '../../../src/main/core/secrets/keychain-backend'
import { Secrets } from '../../../src/main/core/secrets/secrets'
import { AppError } from '../../../src/main/core/app-error'

async function main(): Promise<void> {
  const secrets = new Secrets(createKeychainBackend('MusicSketchTest'), process.env)
  const status = await secrets.status()
  let error: { code: string; message: string } | null = null
  try {
    await secrets.set('replicate', 'r8_shouldNeverBeStored')
  } catch (caught) {
    error =
      caught instanceof AppError
        ? { code: caught.code, message: caught.message }
        : { code: 'other', message: String(caught) }
  }
  process.stdout.write(JSON.stringify({ status, error }))
}

void main()
