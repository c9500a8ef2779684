import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  TokenizerError,
  UnigramTokenizer,
} from '../../../../src/main/core/providers/local/tokenizer'

const FIXTURE = join(import.meta.dirname, '../../../fixtures/musicgen-tiny/tokenizer.json')

// Ids produced by Hugging Face `tokenizers` 0.23 (Python) for the fixture's tokenizer.json.
const EXPECTED: [string, number[]][] = [
  [
    'lofi hip hop beat with mellow piano',
    [72, 45, 13, 61, 14, 74, 14, 99, 23, 16, 15, 5, 39, 81, 8, 27, 33, 6, 8, 1],
  ],
  [
    '  Ｕpbeat   FUNK groove, 128 bpm!',
    [3, 2, 14, 47, 23, 3, 3, 2, 3, 22, 122, 8, 26, 9, 12, 3, 91, 94, 50, 28, 14, 18, 2, 1],
  ],
  ['xylophone zzz', [3, 2, 29, 75, 14, 5, 55, 9, 3, 48, 48, 48, 1]],
  ['', [1]],
  ['ÜÜber QQQ ×', [3, 2, 47, 19, 3, 2, 3, 2, 1]],
  [
    'ambient drone with slow evolving pads',
    [32, 18, 107, 9, 79, 66, 55, 9, 16, 15, 5, 69, 8, 27, 3, 9, 26, 67, 26, 34, 3, 14, 109, 11, 1],
  ],
]

describe('UnigramTokenizer', () => {
  const tokenizer = new UnigramTokenizer(JSON.parse(readFileSync(FIXTURE, 'utf8')))

  it.each(EXPECTED)('encodes %j as the tokenizers library does', (text, ids) => {
    expect(tokenizer.encode(text)).toEqual(ids)
  })

  it('refuses a tokenizer that is not a unigram model, naming the problem', () => {
    expect(() => new UnigramTokenizer({ model: { type: 'BPE', vocab: {} } })).toThrow(
      TokenizerError,
    )
    expect(() => new UnigramTokenizer({ model: { type: 'BPE', vocab: {} } })).toThrow(
      /not a unigram model/,
    )
  })
})
