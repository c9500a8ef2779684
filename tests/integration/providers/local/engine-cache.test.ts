import { copyFileSync, cpSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { InferenceSession, Tensor } from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { frameAt, stepCount } from '../../../../src/main/core/providers/local/delay-pattern'
import { MusicgenEngine } from '../../../../src/main/core/providers/local/engine'
import { SeededRandom } from '../../../../src/main/core/providers/local/sampler'
import { readModelConfig } from '../../../../src/main/core/providers/local/model-files'
import { UnigramTokenizer } from '../../../../src/main/core/providers/local/tokenizer'
import { TINY_MODEL } from '../../../helpers/local-engine-script'
import { tempDir } from '../../../helpers/temp'

// The engine steps the decoder with its key/value cache read in place (kv-cache.ts) and the text's
// cross-attention keys computed once. The reference here has no cache at all: every step runs the
// decoder's no-past branch over the whole sequence so far, the plainly correct (and slow) way.
// Greedy decoding with guidance must then pick exactly the same codes.

const config = await readModelConfig(TINY_MODEL)
const K = config.codebooks
const V = config.vocabSize
const PAD = config.padTokenId
const LAYERS = config.layers
const HEADS = config.heads
const HEAD_DIM = config.headDim
const GUIDANCE = 3

/** Codes [K][P] of the audio to continue, by the model's EnCodec encoder. */
async function encodeAudio(samples: Float32Array): Promise<bigint[][]> {
  const encoder = await InferenceSession.create(join(TINY_MODEL, 'onnx/encodec_encode.onnx'))
  const out = (
    await encoder.run({ input_values: new Tensor('float32', samples, [1, 1, samples.length]) })
  ).audio_codes!
  await encoder.release()
  const p = out.dims[2]!
  const data = out.data as BigInt64Array
  return Array.from({ length: K }, (_, k) => Array.from(data.subarray(k * p, (k + 1) * p)))
}

async function referenceCodes(
  prompt: string,
  frames: number,
  known: bigint[][] = [],
): Promise<bigint[][]> {
  const tokenizer = new UnigramTokenizer(
    JSON.parse(readFileSync(join(TINY_MODEL, 'tokenizer.json'), 'utf8')),
  )
  const text = await InferenceSession.create(join(TINY_MODEL, 'onnx/text_encoder.onnx'))
  const decoder = await InferenceSession.create(join(TINY_MODEL, 'onnx/decoder_model_merged.onnx'))
  const ids = tokenizer.encode(prompt)
  const n = ids.length
  const states = (
    await text.run({
      input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
      attention_mask: new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
    })
  ).last_hidden_state!
  const hidden = states.dims[2]!
  const both = new Float32Array(2 * n * hidden)
  both.set(states.data as Float32Array)
  const mask = new BigInt64Array(2 * n)
  mask.fill(1n, 0, n)
  const empty = new Tensor('float32', new Float32Array(0), [2, HEADS, 0, HEAD_DIM])
  const pattern = { codebooks: K, frames }
  // rows[b*K + k] holds every token fed so far to codebook k of batch item b.
  const rows: number[][] = Array.from({ length: 2 * K }, () => [PAD])
  const codes: bigint[][] = Array.from({ length: K }, () => [])
  for (let step = 0; step < stepCount(pattern); step++) {
    const t = rows[0]!.length
    const given = (k: number): bigint | undefined => known[k]?.[step - k]
    if (
      Array.from({ length: K }, (_, k) => step - k < 0 || given(k) !== undefined).every(Boolean)
    ) {
      // Every slot of this step is known audio (or padding): nothing to ask the decoder.
      for (let k = 0; k < K; k++) {
        const token = step - k < 0 ? PAD : Number(given(k))
        if (step - k >= 0) codes[k]!.push(BigInt(token))
        rows[k]!.push(token)
        rows[K + k]!.push(token)
      }
      continue
    }
    const feeds: Record<string, Tensor> = {
      input_ids: new Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [2 * K, t]),
      encoder_hidden_states: new Tensor('float32', both, [2, n, hidden]),
      encoder_attention_mask: new Tensor('int64', mask, [2, n]),
      use_cache_branch: new Tensor('bool', [false], [1]),
      // Read only by the cached branch, but every input of the graph must be fed.
      past_length: new Tensor('int64', BigInt64Array.of(0n), [1]),
    }
    for (let i = 0; i < LAYERS; i++)
      for (const part of ['decoder.key', 'decoder.value', 'encoder.key', 'encoder.value'])
        feeds[`past_key_values.${i}.${part}`] = empty
    const logits = (await decoder.run(feeds)).logits!.data as Float32Array
    for (let k = 0; k < K; k++) {
      let token = PAD
      const g = given(k)
      if (g !== undefined) {
        token = Number(g)
        codes[k]!.push(g)
      } else if (frameAt(pattern, step, k) !== null) {
        const at = (row: number, v: number): number => logits[(row * t + t - 1) * V + v]!
        let best = -Infinity
        for (let v = 0; v < V; v++) {
          const u = at(K + k, v)
          const g = u + (at(k, v) - u) * GUIDANCE
          if (g > best) {
            best = g
            token = v
          }
        }
        codes[k]!.push(BigInt(token))
      }
      rows[k]!.push(token)
      rows[K + k]!.push(token)
    }
  }
  await Promise.all([text.release(), decoder.release()])
  return codes
}

describe('local engine decoder cache (tiny random-weight model)', () => {
  let engine: MusicgenEngine
  beforeAll(async () => {
    engine = await MusicgenEngine.load(TINY_MODEL, { quantized: false })
  })
  afterAll(async () => {
    await engine.release()
  })

  /** Greedy with guidance: the choice depends on the logits alone, as in the reference. */
  const GREEDY = { seed: 1, topK: 0, topP: 0, temperature: 0, guidance: GUIDANCE }
  const rows = (codes: BigInt64Array, frames: number): bigint[][] =>
    Array.from({ length: K }, (_, k) => Array.from(codes.subarray(k * frames, (k + 1) * frames)))

  it('picks the same codes as a decoder run without any cache, step by step', async () => {
    const prompt = 'ambient drone with slow evolving pads'
    // 73 decoder steps: the cache's room grows twice (kv-cache.ts adds 32 positions at a time),
    // so keys moved to bigger buffers and the masked room past them are both exercised.
    const frames = 70
    const result = await engine.generate(
      { ...GREEDY, prompt, seconds: frames / 50 },
      () => undefined,
      () => false,
    )
    expect(rows(result.codes, frames)).toEqual(await referenceCodes(prompt, frames))
  })

  it('continues audio: its codes first, then what the decoder chooses after them', async () => {
    const prompt = 'acoustic folk guitar ballad'
    // 0.4 s of loud seeded noise: 20 EnCodec frames to continue, 12 to write. (The tiny model's
    // random encoder gives the same code for any quiet sound; loud noise makes the codes vary, so
    // a frame put at the wrong step would show.)
    const noise = new SeededRandom(5)
    const clip = Float32Array.from({ length: 12_800 }, () => 10 * (noise.next() - 0.5))
    const known = await encodeAudio(clip)
    expect(known[0]).toHaveLength(20)
    expect(new Set(known.flat()).size).toBeGreaterThan(4)
    const frames = 32
    const progress: [number, number][] = []
    const result = await engine.generate(
      { ...GREEDY, prompt, seconds: frames / 50, continueFrom: clip },
      (done, total) => progress.push([done, total]),
      () => false,
    )
    const got = rows(result.codes, frames)
    expect(got.map((row) => row.slice(0, 20))).toEqual(known)
    expect(got).toEqual(await referenceCodes(prompt, frames, known))
    expect(result.samples).toHaveLength((frames / 50) * 32_000)
    // One decoder call per written step (the first also reads the known audio): 12 frames + 3
    // delay steps.
    expect(progress.at(-1)).toEqual([15, 15])
  })

  it('refuses to continue audio as long as the take itself', async () => {
    const clip = new Float32Array(32_000).fill(0.1)
    await expect(
      engine.generate(
        { ...GREEDY, prompt: 'x', seconds: 1, continueFrom: clip },
        () => undefined,
        () => false,
      ),
    ).rejects.toThrow(/as long as the take/)
  })

  it('refuses a decoder that does not read its cache in place, saying to make the model again', async () => {
    // Any graph without `past_length` stands for optimum's layout here: the check is on that
    // input, before a step runs. The text encoder is a valid ONNX file that lacks it.
    const dir = tempDir()
    cpSync(TINY_MODEL, dir, { recursive: true })
    copyFileSync(join(dir, 'onnx/text_encoder.onnx'), join(dir, 'onnx/decoder_model_merged.onnx'))
    await expect(MusicgenEngine.load(dir, { quantized: false })).rejects.toMatchObject({
      file: 'onnx/decoder_model_merged.onnx',
      detail: expect.stringMatching(/past_length.*scripts\/musicgen_onnx\/export\.py/),
    })
  })
})
