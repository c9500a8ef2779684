import { describe, expect, it } from 'vitest'
import { withDefaults } from '../../../src/shared/musicgen'
import { seedsForTakes } from '../../../src/main/core/handlers/generations'
import { takeName } from '../../../src/main/core/jobs/output'

describe('seeds for takes', () => {
  it('gives N different non-zero seeds; a fixed seed goes to the first take', () => {
    let i = 0
    const values = [0.1, 0.1, 0.5, 0.9]
    const random = (): number => values[i++ % values.length]!
    const seeds = seedsForTakes(77, 3, random)
    expect(seeds[0]).toBe(77)
    expect(new Set(seeds).size).toBe(3)
    for (const s of seedsForTakes(null, 8, Math.random)) expect(s).toBeGreaterThan(0)
    expect(new Set(seedsForTakes(null, 8, Math.random)).size).toBe(8)
  })
})

describe('take names', () => {
  it('uses the first words of the prompt and the seed', () => {
    const p = withDefaults({ prompt: 'Dusty lo-fi piano, vinyl crackle & rain at night!' })
    expect(takeName(p, 42, 'wav')).toBe('Dusty lo-fi piano vinyl crackle rain take 42.wav')
  })

  it('names takes without a prompt by what they do', () => {
    const audio = { assetId: 'a', seconds: 3 }
    expect(takeName(withDefaults({ input_audio: audio, continuation: true }), 1, 'wav')).toBe(
      'continuation take 1.wav',
    )
    expect(takeName(withDefaults({ input_audio: audio }), 2, 'mp3')).toBe('melody take 2.mp3')
  })
})
