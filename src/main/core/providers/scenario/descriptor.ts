import type { ProviderDescriptor } from '../descriptor'
import { SCENARIO_DEFAULT_URL, ScenarioClient } from './client'

export const scenario: ProviderDescriptor = {
  id: 'scenario',
  inSentence: 'Scenario',
  address: {
    default: SCENARIO_DEFAULT_URL,
    env: 'MUSICSKETCH_SCENARIO_URL',
    setting: 'scenarioBaseUrl',
    httpOnLoopback: false,
  },
  // 100 requests a minute per project.
  limits: { concurrency: 3, requestsPerMinute: 100 },
  // Scenario's own helper polls every 3 s.
  pollIntervalMs: 3000,
  probePath: '',
  // No client-chosen id and no listing of jobs by input.
  lostSubmission: 'cannot-ask',
  credentials: {
    accounts: ['scenario-key', 'scenario-secret'],
    missing: 'No Scenario API key and secret: set them in Settings',
  },
  // Scenario's audio assets: MP3, WAV, OGG (Vorbis) and M4A.
  inputAudio: { files: ['wav', 'mp3', 'ogg-vorbis'] },
  createClient: ({ secret, ...options }) =>
    new ScenarioClient({
      ...options,
      getCredentials: async () => {
        const apiKey = await secret('scenario-key')
        const apiSecret = await secret('scenario-secret')
        return apiKey === null || apiSecret === null ? null : { apiKey, apiSecret }
      },
    }),
}
