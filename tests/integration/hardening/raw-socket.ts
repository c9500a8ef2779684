import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'

export interface FrameSpec {
  fin?: boolean
  rsv?: number
  opcode: number
  payload?: Buffer
  /** Clients must mask; false sends the payload in the clear (a protocol error). */
  masked?: boolean
  /** A length field that lies about the payload (e.g. 2^63). */
  declaredLength?: bigint
}

/** One WebSocket frame as bytes, built by hand so that it can break every rule of RFC 6455. */
export function frame(spec: FrameSpec): Buffer {
  const payload = spec.payload ?? Buffer.alloc(0)
  const masked = spec.masked ?? true
  const length = spec.declaredLength ?? BigInt(payload.length)
  const first = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | (spec.opcode & 0x0f)
  const maskBit = masked ? 0x80 : 0
  let header: Buffer
  if (length < 126n) header = Buffer.from([first, maskBit | Number(length)])
  else if (length < 65536n) {
    header = Buffer.alloc(4)
    header.writeUInt8(first, 0)
    header.writeUInt8(maskBit | 126, 1)
    header.writeUInt16BE(Number(length), 2)
  } else {
    header = Buffer.alloc(10)
    header.writeUInt8(first, 0)
    header.writeUInt8(maskBit | 127, 1)
    header.writeBigUInt64BE(length, 2)
  }
  if (!masked) return Buffer.concat([header, payload])
  const mask = randomBytes(4)
  const body = Buffer.from(payload)
  for (let i = 0; i < body.length; i++) body[i]! ^= mask[i % 4]!
  return Buffer.concat([header, mask, body])
}

export interface RawOutcome {
  /** Bytes the server sent after the handshake (frames, a close frame). */
  received: Buffer
  /** The server ended or reset the connection (rather than the test's timer). */
  closedByServer: boolean
}

/**
 * Opens a WebSocket by hand on /rpc, sends `bytes` after the handshake and collects what comes
 * back until the server closes the connection or `settleMs` passes without it.
 */
export async function sendRaw(
  port: number,
  token: string,
  bytes: Buffer[],
  settleMs = 1500,
  /** Stop as soon as the server sent a complete text frame (an answer). */
  untilAnswer = false,
): Promise<RawOutcome> {
  const socket: Socket = connect(port, '127.0.0.1')
  const key = randomBytes(16).toString('base64')
  let handshake = Buffer.alloc(0)
  let received = Buffer.alloc(0)
  let upgraded = false
  return new Promise<RawOutcome>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined
    const finish = (closedByServer: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve({ received, closedByServer })
    }
    socket.on('error', () => finish(true))
    socket.on('close', () => finish(true))
    socket.on('data', (chunk: Buffer) => {
      if (upgraded) {
        received = Buffer.concat([received, chunk])
        if (untilAnswer && parseServerFrames(received).some((f) => f.opcode === 0x1)) finish(false)
        return
      }
      handshake = Buffer.concat([handshake, chunk])
      const end = handshake.indexOf('\r\n\r\n')
      if (end < 0) return
      if (!handshake.subarray(0, 12).toString().includes('101')) {
        reject(new Error(`no upgrade: ${handshake.toString()}`))
        return
      }
      upgraded = true
      received = handshake.subarray(end + 4)
      for (const part of bytes) socket.write(part)
      timer = setTimeout(() => finish(false), settleMs)
    })
    socket.write(
      [
        `GET /rpc?token=${token} HTTP/1.1`,
        `Host: 127.0.0.1:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${key}`,
        'Sec-WebSocket-Version: 13',
        '',
        '',
      ].join('\r\n'),
    )
  })
}

/** The frames a server sent (unmasked), as far as they are complete. */
export function parseServerFrames(bytes: Buffer): { opcode: number; payload: Buffer }[] {
  const frames: { opcode: number; payload: Buffer }[] = []
  let at = 0
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at]! & 0x0f
    let length = bytes[at + 1]! & 0x7f
    let start = at + 2
    if (length === 126) {
      if (start + 2 > bytes.length) break
      length = bytes.readUInt16BE(start)
      start += 2
    } else if (length === 127) {
      if (start + 8 > bytes.length) break
      length = Number(bytes.readBigUInt64BE(start))
      start += 8
    }
    if (start + length > bytes.length) break
    frames.push({ opcode, payload: bytes.subarray(start, start + length) })
    at = start + length
  }
  return frames
}
