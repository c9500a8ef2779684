import { describe, expect, it } from 'vitest'
import { methods } from '../../../src/shared/api'

const importInput = (data: string) =>
  methods['assets.import'].input.safeParse({
    projectId: '0b7a4f0e-8c1d-4a55-9a4e-2f1d3c5b6a7e',
    name: 'a.wav',
    data,
  })

describe('assets.import data (base64)', () => {
  it.each(['AAAA', 'AAA=', 'AA==', 'ab+/Zz09', Buffer.from('any bytes \u00ff').toString('base64')])(
    'accepts %j',
    (data) => {
      expect(importInput(data).success).toBe(true)
    },
  )

  it.each(['AA=A', 'A===', '=AAA', 'AA-_', 'AA AA', 'AA\nAA', 'é'])('refuses %j', (data) => {
    const result = importInput(data)
    expect(result.success).toBe(false)
    expect(JSON.stringify(result.error)).toContain('must be base64')
  })
})
