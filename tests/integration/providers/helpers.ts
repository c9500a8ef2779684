import { makeWav } from '../../fakes/common'
import {
  type MusicgenParams,
  type ResolvedMusicgenParams,
  withDefaults,
} from '../../../src/shared/musicgen'
import { type Sleep } from '../../../src/main/core/providers/http'
import { type JobSnapshot, type ProviderClient } from '../../../src/main/core/providers/provider'
import { ProviderError } from '../../../src/main/core/providers/provider-error'

/** An injected sleep that records what was asked and returns at once. */
export function recordingSleep(): { sleep: Sleep; sleeps: number[] } {
  const sleeps: number[] = []
  return {
    sleeps,
    sleep: (ms, signal) => {
      sleeps.push(ms)
      if (signal?.aborted === true) return Promise.reject(new Error('aborted'))
      return Promise.resolve()
    },
  }
}

export function params(p: Partial<MusicgenParams> = {}): ResolvedMusicgenParams {
  return { ...withDefaults({ prompt: 'lofi piano', duration: 4, ...p }), seed: p.seed ?? 1234 }
}

export async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of it) chunks.push(Buffer.from(c))
  return Buffer.concat(chunks)
}

/** Polls until a terminal status (the fakes move one step per poll). */
export async function pollToEnd(
  client: ProviderClient,
  id: string,
  max = 20,
  onSnap?: (s: JobSnapshot) => void,
): Promise<JobSnapshot> {
  for (let i = 0; i < max; i++) {
    const s = await client.poll(id)
    onSnap?.(s)
    if (s.status === 'succeeded' || s.status === 'failed' || s.status === 'canceled') return s
  }
  throw new Error('never finished')
}

export async function errorOf(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p
  } catch (e) {
    if (e instanceof ProviderError) return e
    throw e
  }
  throw new Error('expected a ProviderError')
}

/** Channels and sample rate from a WAV header. */
export function wavInfo(b: Buffer): { channels: number; sampleRate: number; dataBytes: number } {
  return {
    channels: b.readUInt16LE(22),
    sampleRate: b.readUInt32LE(24),
    dataBytes: b.readUInt32LE(40),
  }
}

/** A real WAV (32 kHz mono 16-bit) of about `size` bytes, for upload paths: the fakes read it. */
export function audioBytes(size: number): Uint8Array {
  return new Uint8Array(makeWav(Math.max(1, size - 44) / 64_000, 1))
}
