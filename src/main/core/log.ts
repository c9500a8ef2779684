import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

export type LogFields = Record<string, string | number | boolean | null>
export interface Log {
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

type Level = 'info' | 'warn' | 'error'

export function formatLogLine(
  level: Level,
  message: string,
  fields: LogFields | undefined,
  now: Date,
): string {
  const extra = fields ? ` ${JSON.stringify(fields)}` : ''
  return `${now.toISOString()} ${level.toUpperCase()} ${message}${extra}\n`
}

/** Appends one line per entry to a file and echoes warnings and errors to stderr. */
export function createFileLog(path: string, clock: () => number = Date.now): Log {
  mkdirSync(dirname(path), { recursive: true })
  const write = (level: Level) => (message: string, fields?: LogFields) => {
    const line = formatLogLine(level, message, fields, new Date(clock()))
    appendFileSync(path, line)
    if (level !== 'info') process.stderr.write(line)
  }
  return { info: write('info'), warn: write('warn'), error: write('error') }
}
