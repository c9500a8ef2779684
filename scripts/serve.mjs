// `npm run serve -- --data-dir DIR [--port N] [--open]`: browser mode (the core under plain Node,
// the UI in any browser on 127.0.0.1), built first when the sources changed. One process: the
// host runs in this one, so nothing stands between npm and it.
import { runBrowserMode } from './browser-mode.mjs'

await runBrowserMode(process.argv.slice(2))
