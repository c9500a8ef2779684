export interface ServeArgs {
  dataDir: string
  port: number
  /** Open the URL in the system browser (`npm start` without Electron). */
  open: boolean
  /** The folder browser mode may import from and export into; null: the user's home folder. */
  files: string | null
}

export const SERVE_USAGE =
  'usage: npm run serve -- --data-dir DIR [--port N] [--open] [--files DIR]'

/** Parses the serve arguments (SERVE_USAGE); throws an Error whose message names the problem. */
export function parseServeArgs(argv: readonly string[], defaultDataDir: string): ServeArgs {
  let dataDir = defaultDataDir
  let port = 0
  let open = false
  let files: string | null = null
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = argv[i + 1]
    switch (flag) {
      case '--data-dir':
        if (!value) throw new Error(`--data-dir needs a directory\n${SERVE_USAGE}`)
        dataDir = value
        i++
        break
      case '--port':
        if (!value || !/^\d+$/.test(value) || Number(value) > 65535) {
          throw new Error(`--port needs a number from 0 to 65535\n${SERVE_USAGE}`)
        }
        port = Number(value)
        i++
        break
      case '--open':
        open = true
        break
      case '--files':
        if (!value) throw new Error(`--files needs a folder\n${SERVE_USAGE}`)
        files = value
        i++
        break
      default:
        throw new Error(`unknown argument ${flag}\n${SERVE_USAGE}`)
    }
  }
  return { dataDir, port, open, files }
}
