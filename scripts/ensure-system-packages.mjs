// The tests need a few Debian packages: Chromium (e2e), gnome-keyring + D-Bus (keychain tests),
// libsecret-tools (keychain tests), ffmpeg and sox (reference tools for fixtures and benchmarks).
// Installs what is missing when it can (root or passwordless sudo), otherwise prints the command.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const REQUIREMENTS = [
  { pkg: 'chromium', present: () => existsSync('/usr/bin/chromium') },
  { pkg: 'gnome-keyring', present: () => onPath('gnome-keyring-daemon') },
  { pkg: 'dbus-x11', present: () => onPath('dbus-run-session') && onPath('dbus-launch') },
  // secret-tool plants keys the way the keytar builds stored them (tests only; the app needs none)
  { pkg: 'libsecret-tools', present: () => onPath('secret-tool') },
  { pkg: 'ffmpeg', present: () => onPath('ffmpeg') },
  { pkg: 'sox', present: () => onPath('sox') },
]

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
}

function run(command, args) {
  process.stderr.write(`$ ${[command, ...args].join(' ')}\n`)
  return (
    spawnSync(command, args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status === 0
  )
}

if (process.platform !== 'linux') {
  process.stderr.write(
    'The test suite runs on Debian/Ubuntu Linux (see README); skipping the package check.\n',
  )
  process.exit(0)
}

const missing = REQUIREMENTS.filter((requirement) => !requirement.present()).map((r) => r.pkg)
if (missing.length > 0) {
  const install = ['apt-get', 'install', '-y', '--no-install-recommends', ...missing]
  const isRoot = process.getuid?.() === 0
  const canSudo =
    !isRoot && onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0
  const prefix = isRoot ? [] : canSudo ? ['sudo', '-n'] : null
  if (!prefix) {
    process.stderr.write(
      `The tests need these system packages: ${missing.join(' ')}\nInstall them, then run npm test again:\n\n  sudo apt-get update && sudo ${install.join(' ')}\n\n`,
    )
    process.exit(1)
  }
  const [cmd, ...rest] = [...prefix, 'apt-get', 'update']
  const [icmd, ...irest] = [...prefix, ...install]
  if (!run(cmd, rest) || !run(icmd, irest)) {
    process.stderr.write(`Installing ${missing.join(' ')} failed; see the output above.\n`)
    process.exit(1)
  }
}
