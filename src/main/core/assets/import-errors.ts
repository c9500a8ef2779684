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
  // A system error reading the file keeps its code; anything else is a decoder that choked on
  // bytes it did not expect (a RangeError…): the file's fault, in words.
  if (typeof code === 'string') {
    return new AppError('invalid_input', `${name}: could not be read (${code})`)
  }
  return new AppError('invalid_input', `${name}: the file could not be decoded (it may be damaged)`)
}

/** Runs `step` (reading or decoding the file being imported), reporting its failure as importError. */
export async function sourceStep<T>(name: string, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (error) {
    throw importError(name, error)
  }
}
