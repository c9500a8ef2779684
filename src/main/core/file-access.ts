import { realpathSync } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { basename, isAbsolute, relative, resolve, sep } from 'node:path'
import { AppError } from './app-error'
import { importError } from './assets/import-errors'

/**
 * Which paths the contract may read (imports by path) and write (export folders). The desktop
 * app reads and writes what its user picks; browser mode only under one folder (docs/security.md).
 */
export interface FileAccess {
  /** The real path of a regular file that may be imported; refused otherwise, in words. */
  readable(path: string): Promise<string>
  /** The folder an export may write into (as given, or its real path). */
  writableFolder(path: string): Promise<string>
}

/** Only regular files: a FIFO, socket or device would block (or never end) the reads. */
async function regularFile(path: string, name: string): Promise<string> {
  const stats = await stat(path).catch((error: unknown) => {
    throw importError(name, error)
  })
  if (stats.isDirectory()) throw new AppError('invalid_input', `${name}: is a folder, not a file`)
  if (!stats.isFile()) {
    throw new AppError(
      'invalid_input',
      `${name}: is not an ordinary file (a pipe, socket or device): only audio files can be imported`,
    )
  }
  return path
}

/** The desktop app: any regular file the user picked, any folder. */
export const desktopFileAccess: FileAccess = {
  readable: (path) => regularFile(path, basename(path)),
  writableFolder: (path) => Promise.resolve(resolve(path)),
}

function within(parent: string, path: string): boolean {
  const rel = relative(parent, path)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}

/**
 * Browser mode: reads and writes only under `root` (the user's home folder unless `--files` says
 * otherwise), never in a hidden file or folder (where keys and credentials live: ~/.ssh, ~/.aws,
 * ~/.config…) nor in the data folder. A refusal reads the same whether or not the path exists,
 * so that it tells nothing about the file system outside `root`.
 */
export function confinedFileAccess(root: string, dataDir: string): FileAccess {
  const realRoot = realpathSync(resolve(root))
  const realData = (() => {
    try {
      return realpathSync(resolve(dataDir))
    } catch {
      return resolve(dataDir)
    }
  })()
  const allowed = (path: string) =>
    within(realRoot, path) &&
    !relative(realRoot, path)
      .split(sep)
      .some((part) => part.startsWith('.')) &&
    !within(realData, path)
  const where = `${realRoot} (outside hidden folders and MusicSketch's data folder)`

  /** The real path when `path` and its real path are both allowed; `null` for a refusal. */
  async function confined(path: string): Promise<string | null> {
    const absolute = resolve(realRoot, path)
    if (!allowed(absolute)) return null
    const real = await realpath(absolute).catch(() => absolute)
    return allowed(real) ? real : null
  }

  return {
    readable: async (path) => {
      const name = basename(path)
      const real = await confined(path)
      if (real === null) {
        throw new AppError(
          'invalid_input',
          `${name}: browser mode imports only files under ${where}. Drop the file on the window instead.`,
          'path',
        )
      }
      return regularFile(real, name)
    },
    writableFolder: async (path) => {
      const real = await confined(path)
      if (real === null) {
        throw new AppError(
          'invalid_input',
          `browser mode exports only into folders under ${where}`,
          'directory',
        )
      }
      return real
    },
  }
}
