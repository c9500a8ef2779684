// File names that are valid on Windows, macOS and Linux alike, and short enough for them.

const RESERVED_WINDOWS = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[<>:"/\\|?*\u0000-\u001f\u007f]/g

/** The longest file name most filesystems take: 255 bytes (ext4, APFS: UTF-8). */
const FILESYSTEM_NAME_BYTES = 255
/** What a temporary name adds to a final one: `.` + name + `.xxxxxxxx.part` (tempFileName). */
const TEMP_NAME_BYTES = 15
/** The longest final name an export writes: its temporary name must fit too. */
export const MAX_FILE_NAME_BYTES = FILESYSTEM_NAME_BYTES - TEMP_NAME_BYTES
/** A project name's share of a stem's name; the track name takes the rest. */
const PROJECT_PART_BYTES = 100

const utf8 = new TextEncoder()
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' })

function byteLength(text: string): number {
  return utf8.encode(text).length
}

/** The longest start of `text` within `maxBytes` UTF-8 bytes, never cutting a character. */
function truncateBytes(text: string, maxBytes: number): string {
  if (byteLength(text) <= maxBytes) return text
  let out = ''
  let used = 0
  for (const { segment } of graphemes.segment(text)) {
    const size = byteLength(segment)
    if (used + size > maxBytes) break
    out += segment
    used += size
  }
  return out
}

export function safeFileName(name: string, maxBytes = MAX_FILE_NAME_BYTES): string {
  let safe = name.normalize('NFC').replace(FORBIDDEN, '_').replace(/\s+/g, ' ').trim()
  safe = safe.replace(/[. ]+$/, '') // Windows drops trailing dots and spaces
  if (safe === '' || /^\.+$/.test(safe)) safe = 'Untitled'
  if (RESERVED_WINDOWS.test(safe)) safe = `_${safe}`
  safe = truncateBytes(safe, maxBytes)
    .trim()
    .replace(/[. ]+$/, '')
  return safe === '' ? 'Untitled' : safe
}

/** `<name><suffix>` with the name shortened so that the whole fits MAX_FILE_NAME_BYTES. */
function withSuffix(name: string, suffix: string, maxNameBytes = MAX_FILE_NAME_BYTES): string {
  const room = maxNameBytes - byteLength(suffix)
  return `${safeFileName(name, room)}${suffix}`
}

/**
 * A stem's name: project, number, track. Shortened names stay unique: the track number is always
 * kept whole.
 */
export function stemFileName(project: string, index: number, track: string, ext: string): string {
  const head = `${safeFileName(project, PROJECT_PART_BYTES)} - ${String(index).padStart(2, '0')} `
  return `${head}${withSuffix(track, `.${ext}`, MAX_FILE_NAME_BYTES - byteLength(head))}`
}

export function mixFileName(project: string, ext: string): string {
  return withSuffix(project, ` - Mix.${ext}`)
}

export function sidecarFileName(project: string): string {
  return withSuffix(project, ' - stems.json')
}

/** The file of a single-clip export: `<project> - <clip>.<ext>`. */
export function singleFileName(project: string, clip: string, ext: string): string {
  return withSuffix(`${project} - ${clip}`, `.${ext}`)
}

/** The temporary name a final name is written under (hidden; TEMP_NAME_BYTES longer). */
export function tempFileName(name: string, random: string): string {
  return `.${name}.${random}.part`
}
