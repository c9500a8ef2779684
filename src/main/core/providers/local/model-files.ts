// The files of an installed MusicGen model, in the layout of Xenova/musicgen-small, and what its
// config.json must tell the engine.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

export const MODEL_FILES = {
  textEncoder: 'onnx/text_encoder.onnx',
  decoder: 'onnx/decoder_model_merged.onnx',
  decoderInt8: 'onnx/decoder_model_merged_quantized.onnx',
  encodec: 'onnx/encodec_decode.onnx',
  /** Audio to codes, only to continue a clip: a model without it still makes new takes. */
  encodecEncoder: 'onnx/encodec_encode.onnx',
  tokenizer: 'tokenizer.json',
  config: 'config.json',
} as const

export interface ModelConfig {
  codebooks: number
  vocabSize: number
  padTokenId: number
  layers: number
  heads: number
  headDim: number
  maxPositions: number
  sampleRate: number
  frameRate: number
}

/** A model file that is missing, unreadable or not what the engine needs. */
export class ModelFileError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`)
    this.name = 'ModelFileError'
  }
}

function num(value: unknown, file: string, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ModelFileError(file, `${field} is missing or not a positive number`)
  }
  return value
}

/** Reads config.json in transformers' MusicgenConfig shape (decoder / audio_encoder). */
export async function readModelConfig(dir: string): Promise<ModelConfig> {
  const file = MODEL_FILES.config
  let json: Record<string, Record<string, unknown> | undefined>
  try {
    json = JSON.parse(await readFile(join(dir, file), 'utf8')) as typeof json
  } catch (error) {
    throw new ModelFileError(file, error instanceof Error ? error.message : String(error))
  }
  const dec = json.decoder ?? {}
  const audio = json.audio_encoder ?? {}
  const hidden = num(dec.hidden_size, file, 'decoder.hidden_size')
  const heads = num(dec.num_attention_heads, file, 'decoder.num_attention_heads')
  const sampleRate = num(audio.sampling_rate, file, 'audio_encoder.sampling_rate')
  return {
    codebooks: num(dec.num_codebooks, file, 'decoder.num_codebooks'),
    vocabSize: num(dec.vocab_size, file, 'decoder.vocab_size'),
    padTokenId: num(dec.pad_token_id, file, 'decoder.pad_token_id'),
    layers: num(dec.num_hidden_layers, file, 'decoder.num_hidden_layers'),
    heads,
    headDim: hidden / heads,
    maxPositions: num(dec.max_position_embeddings, file, 'decoder.max_position_embeddings'),
    sampleRate,
    // transformers' EncodecConfig.frame_rate: the sample rate over the product of the upsampling
    // ratios; given outright by our script, else 50 for EnCodec 32 kHz (ratios 8·5·4·4 = 640).
    frameRate: typeof audio.frame_rate === 'number' ? audio.frame_rate : sampleRate / 640,
  }
}
