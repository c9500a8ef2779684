// Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so keychain tests
// use a real Secret Service without touching the developer's own keyring.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const command = process.argv.slice(2)
if (command.length === 0) {
  process.stderr.write('usage: node scripts/with-keyring.mjs <command> [args…]\n')
  process.exit(2)
}

const keyringHome = mkdtempSync(join(tmpdir(), 'musicsketch-keyring-'))
const script =
  'printf "musicsketch-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || ' +
  '{ echo "gnome-keyring-daemon could not start" >&2; exit 1; }; exec "$@"'
const result = spawnSync('dbus-run-session', ['--', 'sh', '-c', script, 'sh', ...command], {
  stdio: 'inherit',
  env: {
    ...process.env,
    XDG_DATA_HOME: keyringHome,
    XDG_RUNTIME_DIR: keyringHome,
    MUSICSKETCH_KEYRING: '1',
  },
})
rmSync(keyringHome, { recursive: true, force: true })
if (result.error) {
  process.stderr.write(`could not run dbus-run-session: ${result.error.message}\n`)
  process.exit(1)
}
process.exit(result.status ?? 1)
