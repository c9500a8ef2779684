import { mkdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { AppError } from '../app-error'

/**
 * The folder an export writes into, as the musician typed it: `~` and relative paths are read from
 * their home folder (never the app's working folder, which they cannot see), and a missing folder
 * is created when they asked for it.
 */
export function exportDirectory(typed: string, create: boolean, home = homedir()): string {
  const text = typed.trim()
  const expanded = text === '~' ? home : /^~[/\\]/.test(text) ? join(home, text.slice(2)) : text
  const directory = isAbsolute(expanded) ? resolve(expanded) : resolve(home, expanded)
  if (create) {
    try {
      mkdirSync(directory, { recursive: true })
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      throw new AppError(
        'invalid_input',
        code === 'EACCES' || code === 'EPERM'
          ? `cannot create the folder ${directory}: permission denied`
          : `cannot create the folder ${directory} (${code ?? String(error)})`,
        'directory',
      )
    }
  }
  return directory
}
