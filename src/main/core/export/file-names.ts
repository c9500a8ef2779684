// File names that are valid on Windows, macOS and Linux alike.

const RESERVED_WINDOWS = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[<>:"/\\|?*\u0000-\u001f\u007f]/g

export function safeFileName(name: string, maxLength = 120): string {
  let safe = name.normalize('NFC').replace(FORBIDDEN, '_').replace(/\s+/g, ' ').trim()
  safe = safe.replace(/[. ]+$/, '') // Windows drops trailing dots and spaces
  if (safe === '' || /^\.+$/.test(safe)) safe = 'Untitled'
  if (RESERVED_WINDOWS.test(safe)) safe = `_${safe}`
  return [...safe].slice(0, maxLength).join('').trim()
}

export function stemFileName(project: string, index: number, track: string, ext: string): string {
  return `${safeFileName(project)} - ${String(index).padStart(2, '0')} ${safeFileName(track)}.${ext}`
}

export function mixFileName(project: string, ext: string): string {
  return `${safeFileName(project)} - Mix.${ext}`
}

export function sidecarFileName(project: string): string {
  return `${safeFileName(project)} - stems.json`
}
