import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { MAX_UPLOAD_CHUNK } from '../../../src/main/host/uploads'
import { MAX_FRAME_BYTES } from '../../../src/main/host/server'
import { useHost } from './fixture'

const { start, send, get, wav440, core } = useHost()

/** Sends `bytes` as the renderer does: chunks with the token in a header, each at its offset. */
async function uploadAll(port: number, token: string, id: string, bytes: Buffer, chunk: number) {
  for (let offset = 0; offset < bytes.length; offset += chunk) {
    const answer = await send(
      port,
      'PUT',
      `/uploads/${id}?offset=${offset}`,
      bytes.subarray(offset, offset + chunk),
      { authorization: `Bearer ${token}` },
    )
    expect(answer.status, answer.body).toBe(200)
    expect(JSON.parse(answer.body)).toEqual({
      received: Math.min(bytes.length, offset + chunk),
    })
  }
}

describe("uploads (browser mode's dropped files)", () => {
  it('takes a file larger than any frame in chunks and imports it by id, then removes it', async () => {
    const { port, token } = await start()
    // About 73 MB: more than a WebSocket frame may carry.
    const wav = readFileSync(wav440(380))
    expect(wav.length).toBeGreaterThan(MAX_FRAME_BYTES)
    const id = randomUUID()
    await uploadAll(port, token, id, wav, MAX_UPLOAD_CHUNK)
    const project = await core().call('projects.create', { name: 'Upload' })
    const asset = await core().call('assets.import', {
      projectId: project.id,
      name: 'long tone.wav',
      upload: id,
      size: wav.length,
    })
    expect(asset).toMatchObject({ name: 'long tone.wav', format: 'wav', frames: 380 * 48000 })
    expect(existsSync(core().uploadPath(id))).toBe(false)
  })

  it('needs the token, and never from a cookie', async () => {
    const { port, token } = await start()
    const id = randomUUID()
    const body = Buffer.from('RIFF')
    expect((await send(port, 'PUT', `/uploads/${id}?offset=0`, body)).status).toBe(401)
    expect(
      (
        await send(port, 'PUT', `/uploads/${id}?offset=0`, body, {
          cookie: `musicsketch_token=${token}`,
        })
      ).status,
    ).toBe(401)
    expect(
      (await send(port, 'PUT', `/uploads/${id}?offset=0`, body, { authorization: 'Bearer nope' }))
        .status,
    ).toBe(401)
    expect(
      (
        await send(port, 'PUT', `/uploads/${id}?offset=0`, body, {
          authorization: `Bearer ${token}`,
          origin: 'http://evil.example',
        })
      ).status,
    ).toBe(403)
    expect(existsSync(core().uploadPath(id))).toBe(false)
  })

  it('resumes where the bytes stopped: a chunk at the wrong offset is refused with the right one', async () => {
    const { port, token } = await start()
    const wav = readFileSync(wav440(1))
    const id = randomUUID()
    const auth = { authorization: `Bearer ${token}` }
    expect(
      (await send(port, 'PUT', `/uploads/${id}?offset=0`, wav.subarray(0, 1000), auth)).status,
    ).toBe(200)
    const skipped = await send(port, 'PUT', `/uploads/${id}?offset=5000`, wav.subarray(5000), auth)
    expect(skipped.status).toBe(409)
    expect(JSON.parse(skipped.body)).toMatchObject({ received: 1000 })
    const asked = await get(port, `/uploads/${id}?token=${token}`)
    expect(JSON.parse(asked.body)).toEqual({ received: 1000 })
    expect(
      (await send(port, 'PUT', `/uploads/${id}?offset=1000`, wav.subarray(1000), auth)).status,
    ).toBe(200)
    expect(statSync(core().uploadPath(id)).size).toBe(wav.length)
  })

  it('refuses a chunk over the limit, keeping what came before it', async () => {
    const { port, token } = await start()
    const id = randomUUID()
    const auth = { authorization: `Bearer ${token}` }
    await send(port, 'PUT', `/uploads/${id}?offset=0`, Buffer.alloc(10), auth)
    const big = await send(
      port,
      'PUT',
      `/uploads/${id}?offset=10`,
      Buffer.alloc(MAX_UPLOAD_CHUNK + 1),
      auth,
    ).catch(() => ({ status: 0, body: '' }))
    // The host answers 413 or drops the connection mid-body; either way nothing of it is kept.
    expect([0, 413]).toContain(big.status)
    expect(JSON.parse((await get(port, `/uploads/${id}?token=${token}`)).body)).toEqual({
      received: 10,
    })
  })

  it('imports nothing from an incomplete or unknown upload, saying so', async () => {
    const { port, token } = await start()
    const wav = readFileSync(wav440(1))
    const id = randomUUID()
    await uploadAll(port, token, id, wav.subarray(0, 4096), 4096)
    const project = await core().call('projects.create', { name: 'Upload' })
    const partial = await core().dispatch('assets.import', {
      projectId: project.id,
      name: 'tone.wav',
      upload: id,
      size: wav.length,
    })
    expect(partial).toMatchObject({ ok: false, error: { code: 'not_found' } })
    if (!partial.ok)
      expect(partial.error.message).toMatch(
        /tone\.wav: its upload is missing or incomplete \(4096 of \d+ bytes\)/,
      )
    const unknown = await core().dispatch('assets.import', {
      projectId: project.id,
      name: 'x.wav',
      upload: randomUUID(),
      size: 10,
    })
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } })
  })
})
