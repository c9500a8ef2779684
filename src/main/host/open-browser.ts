import { spawn } from 'node:child_process'

/** The command that opens a URL in the user's default browser, per platform. */
export function browserCommand(url: string, platform = process.platform): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]]
  // `start` is a cmd built-in; its first quoted argument is the window title. The arguments go
  // verbatim (see spawn below), so cmd's own metacharacter & is escaped here.
  if (platform === 'win32')
    return ['cmd', ['/s', '/c', 'start', '""', '/b', url.replace(/&/g, '^&')]]
  return ['xdg-open', [url]]
}

/**
 * Opens the URL in the system browser when there is one; `failed` hears why not (no opener, or
 * it gave up), so the caller can point at the printed URL. Not awaited: without a desktop,
 * xdg-open runs the browser itself and returns only when it closes.
 */
export function openInBrowser(url: string, failed: (reason: string) => void): void {
  const [command, args] = browserCommand(url)
  const child = spawn(command, args, {
    stdio: 'ignore',
    detached: true,
    windowsHide: true,
    windowsVerbatimArguments: true,
  })
  child.once('error', (error) => failed(`${command} could not run (${error.message})`))
  child.once('exit', (code) => {
    if (code !== 0 && code !== null) failed(`${command} exited with ${code}`)
  })
  child.unref()
}
