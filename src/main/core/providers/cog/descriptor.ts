import type { ProviderDescriptor } from '../descriptor'
import { COG_DEFAULT_URL, CogClient } from './client'

export const cog: ProviderDescriptor = {
  id: 'cog',
  inSentence: 'the Cog container',
  address: {
    default: COG_DEFAULT_URL,
    env: 'MUSICSKETCH_COG_URL',
    setting: 'cogBaseUrl',
    httpOnLoopback: true,
  },
  // One prediction at a time: a second one answers 409.
  limits: { concurrency: 1, requestsPerMinute: null },
  pollIntervalMs: 1000,
  probePath: '/health-check',
  // The prediction id is the take's own.
  lostSubmission: 'client-id',
  credentials: null,
  inputAudio: { files: 'any' },
  createClient: ({ secret: _secret, ...options }) => new CogClient(options),
}
