import { AppError } from '../app-error'
import { AudioError } from '../audio/audio-error'

/**
 * The error to show for a file that could not be imported: its name and the problem (what the
 * decoder found, or why the file could not be read).
 */
export function importError(name: string, error: unknown): AppError {
  if (error instanceof AppError) return error
  if (error instanceof AudioError) return new AppError('invalid_input', `${name}: ${error.message}`)
  const code = (error as NodeJS.ErrnoException | null)?.code
  if (code === 'ENOENT') return new AppError('not_found', `${name}: the file does not exist`)
  if (code === 'EACCES' || code === 'EPERM') {
    return new AppError('invalid_input', `${name}: permission denied`)
  }
  if (code === 'EISDIR') return new AppError('invalid_input', `${name}: is a folder, not a file`)
  return new AppError('invalid_input', `${name}: could not be read (${String(error)})`)
}

/** Runs `step` (reading or decoding the file being imported), reporting its failure as importError. */
export async function sourceStep<T>(name: string, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (error) {
    throw importError(name, error)
  }
}
