// Reading the generations table's columns back into values, shared by the full row
// (generations.ts) and the takes list's summaries (take-pages.ts).

/** A JSON column; null when empty or not JSON (a row written by an older version). */
export function parseJson<T>(text: string | null): T | null {
  if (text === null) return null
  try {
    return JSON.parse(text) as T
  } catch {
    return null
  }
}

/** The error columns as the take's error. */
export function takeError(
  code: string | null,
  message: string | null,
): { code: string; message: string } | null {
  return code === null ? null : { code, message: message ?? '' }
}
