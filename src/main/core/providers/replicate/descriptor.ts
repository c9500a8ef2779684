import type { ProviderDescriptor } from '../descriptor'
import { REPLICATE_DEFAULT_URL, ReplicateClient } from './client'

export const replicate: ProviderDescriptor = {
  id: 'replicate',
  inSentence: 'Replicate',
  address: {
    default: REPLICATE_DEFAULT_URL,
    env: 'MUSICSKETCH_REPLICATE_URL',
    setting: 'replicateBaseUrl',
    httpOnLoopback: false,
  },
  // 600 creates and 3000 other calls a minute; 4 takes at once keep a sketching session snappy.
  limits: { concurrency: 4, requestsPerMinute: 600 },
  pollIntervalMs: 1000,
  // Any answer (401 included) means reachable.
  probePath: '',
  lostSubmission: 'listed',
  credentials: {
    accounts: ['replicate'],
    missing: 'No Replicate API token: set it in Settings',
  },
  // The predictor loads input with torchaudio (ffmpeg): any audio file.
  inputAudio: { files: 'any' },
  createClient: ({ secret, ...options }) =>
    new ReplicateClient({
      ...options,
      getCredentials: async () => {
        const token = await secret('replicate')
        return token === null ? null : { token }
      },
    }),
}
