import { describe, expect, it } from 'vitest'
import {
  decodeMessage,
  encodeMessage,
  messageLength,
  splitSignature,
} from '../../../src/main/core/secrets/dbus/wire'

describe('the D-Bus wire format', () => {
  it('splits signatures into complete types', () => {
    expect(splitSignature('a{ss}oa{o(oayays)}v(bu)')).toEqual([
      'a{ss}',
      'o',
      'a{o(oayays)}',
      'v',
      '(bu)',
    ])
    expect(() => splitSignature('a{ss')).toThrow(/malformed/)
  })

  it('round-trips a call with every type the Secret Service calls use', () => {
    const body = [
      'plain',
      { signature: 's', value: '' },
      [
        ['service', 'MusicSketch'],
        ['account', 'replicate'],
      ],
      [
        [
          '/org/freedesktop/secrets/session/s1',
          [Buffer.alloc(0), Buffer.from('sécrèt'), 'text/plain'],
        ],
      ],
      true,
      7,
    ]
    const bytes = encodeMessage({
      type: 1,
      serial: 42,
      destination: 'org.freedesktop.secrets',
      path: '/org/freedesktop/secrets',
      interface: 'org.freedesktop.Secret.Service',
      member: 'OpenSession',
      signature: 'sva{ss}a{o(ayays)}bu',
      body,
    })
    expect(messageLength(bytes)).toBe(bytes.length)
    expect(messageLength(bytes.subarray(0, bytes.length - 1))).toBeNull()
    const decoded = decodeMessage(bytes)
    expect(decoded).toMatchObject({ type: 1, serial: 42, member: 'OpenSession' })
    expect(decoded.body).toEqual(body)
  })

  it('pads the header to 8 bytes and the body to each value’s alignment', () => {
    const bytes = encodeMessage({
      type: 2,
      serial: 1,
      replySerial: 1,
      signature: 'yu',
      body: [1, 2],
    })
    const bodyStart = bytes.length - 8
    expect(bodyStart % 8).toBe(0)
    expect([...bytes.subarray(bodyStart)]).toEqual([1, 0, 0, 0, 2, 0, 0, 0])
  })

  it('refuses bytes that are not a D-Bus message', () => {
    expect(() => messageLength(Buffer.alloc(16, 0x20))).toThrow(/not a D-Bus message/)
  })
})
