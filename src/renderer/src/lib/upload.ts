import { fail, ok, type Result } from '../../../shared/result'

/** The host takes at most 16 MiB a request; smaller chunks show progress more often. */
const CHUNK_BYTES = 4 * 1024 * 1024
/** Attempts at one chunk before giving up (a restart of `npm run serve` takes a few seconds). */
const ATTEMPTS = 6
const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 4000]

interface Answer {
  received: number
  error?: string
}

/**
 * Sends a dropped file to the browser-mode host in chunks (`PUT /uploads/<id>?offset=N`, the
 * token in a header, never a cookie). When a chunk fails it asks the host how much arrived and
 * goes on from there, so a broken connection costs one chunk, not the file.
 */
export async function uploadFile(
  token: string,
  file: File,
  progress?: (fraction: number) => void,
): Promise<Result<string>> {
  const id = crypto.randomUUID()
  const url = (query: string) => `/uploads/${id}?${query}`
  const headers = { authorization: `Bearer ${token}` }
  let offset = 0
  let failures = 0
  do {
    const chunk = file.slice(offset, offset + CHUNK_BYTES)
    const answer = await fetch(url(`offset=${offset}`), { method: 'PUT', headers, body: chunk })
      .then(async (response) => ({
        status: response.status,
        body: (await response.json()) as Answer,
      }))
      .catch(() => null)
    if (answer?.status === 200) {
      offset = answer.body.received
      failures = 0
      progress?.(file.size === 0 ? 1 : offset / file.size)
      continue
    }
    if (answer?.status === 507 || answer?.status === 401 || answer?.status === 403) {
      return fail(
        answer.status === 507 ? 'disk_full' : 'disconnected',
        answer.body.error ?? `${file.name}: the upload was refused`,
      )
    }
    if (++failures >= ATTEMPTS) {
      return fail(
        'disconnected',
        `${file.name}: the upload kept failing; is \`npm run serve\` still running?`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[failures - 1]))
    // Where the host's copy ends (a 409 says it too): the next chunk starts there.
    const asked =
      answer?.status === 409
        ? answer.body
        : await fetch(url(`token=${encodeURIComponent(token)}`)).then(
            (response) => response.json() as Promise<Answer>,
            () => null,
          )
    if (asked) offset = asked.received
  } while (offset < file.size)
  return ok(id)
}
