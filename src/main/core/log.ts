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

/**
 * Appends one line per entry to a file and echoes warnings and errors to stderr. Logging never
 * throws: on a full disk (or any write error) lines are dropped, and the first line written
 * afterwards says how many and why.
 */
export function createFileLog(path: string, clock: () => number = Date.now): Log {
  try {
    mkdirSync(dirname(path), { recursive: true })
  } catch {
    // Reported through the dropped-lines note once the folder can be written.
  }
  let dropped = 0
  let droppedBecause = ''
  const append = (line: string): boolean => {
    try {
      appendFileSync(path, line)
      return true
    } catch (error) {
      dropped++
      droppedBecause = (error as NodeJS.ErrnoException).code ?? 'write failed'
      return false
    }
  }
  const write = (level: Level) => (message: string, fields?: LogFields) => {
    const now = new Date(clock())
    if (dropped > 0) {
      const count = dropped
      const note = `${count} log lines were dropped (${droppedBecause})`
      // The note is not a line of its own: if it fails too, the count stays as it was.
      if (!append(formatLogLine('warn', note, undefined, now))) dropped = count
      else dropped = 0
    }
    const line = formatLogLine(level, message, fields, now)
    append(line)
    if (level === 'info') return
    try {
      process.stderr.write(line)
    } catch {
      // stderr closed or on the same full disk: the line is lost, the app goes on.
    }
  }
  return { info: write('info'), warn: write('warn'), error: write('error') }
}
