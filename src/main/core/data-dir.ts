import { homedir } from 'node:os'
import { join } from 'node:path'

/** Where projects live when nobody says otherwise; the Electron app uses app.getPath('userData'). */
export function defaultDataDir(platform = process.platform, env = process.env): string {
  switch (platform) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'MusicSketch')
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'MusicSketch')
    default:
      return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'MusicSketch')
  }
}
