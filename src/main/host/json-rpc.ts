import type { Dispatch } from '../core/dispatch'

// JSON-RPC 2.0 framing for browser mode. Contract answers (ok or error values) travel as `result`;
// JSON-RPC errors are only for frames that are not valid requests at all.

type Id = string | number | null

export type RpcResponse =
  | { jsonrpc: '2.0'; id: Id; result: unknown }
  | { jsonrpc: '2.0'; id: Id; error: { code: number; message: string } }

const PARSE_ERROR = -32700
const INVALID_REQUEST = -32600

/** Ids come back in the answer: a long one would make the answer as long. */
const MAX_ID_LENGTH = 200

function isId(value: unknown): value is Id {
  return (
    value === null ||
    (typeof value === 'string' && value.length <= MAX_ID_LENGTH) ||
    typeof value === 'number'
  )
}

export async function handleRpcFrame(
  frame: string,
  dispatch: Dispatch,
): Promise<RpcResponse | null> {
  let message: unknown
  try {
    message = JSON.parse(frame)
  } catch {
    return { jsonrpc: '2.0', id: null, error: { code: PARSE_ERROR, message: 'parse error' } }
  }
  if (
    typeof message !== 'object' ||
    message === null ||
    Array.isArray(message) ||
    (message as { jsonrpc?: unknown }).jsonrpc !== '2.0' ||
    typeof (message as { method?: unknown }).method !== 'string'
  ) {
    return {
      jsonrpc: '2.0',
      id: null,
      error: { code: INVALID_REQUEST, message: 'invalid request' },
    }
  }
  const { id, method, params } = message as { id?: unknown; method: string; params?: unknown }
  if (id !== undefined && !isId(id)) {
    return { jsonrpc: '2.0', id: null, error: { code: INVALID_REQUEST, message: 'invalid id' } }
  }
  const result = await dispatch(method, params)
  // A request without an id is a notification: no answer.
  return id === undefined ? null : { jsonrpc: '2.0', id, result }
}

export function notification(method: string, params: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', method, params })
}
