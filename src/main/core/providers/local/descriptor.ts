import { LOCAL_MODEL } from '../../../../shared/local-model'
import type { ProviderDescriptor } from '../descriptor'

// MusicGen on this computer. Its "address" is the model hub the model is downloaded from; the
// client itself (the engine's runs, the model manager) is built once by the core and handed to
// the client factory, since Settings drives the same manager.
export const local: ProviderDescriptor = {
  id: 'local',
  inSentence: 'the local engine',
  address: {
    // No public hub serves our manifest: the musician sets one (see the README).
    default: '',
    env: 'MUSICSKETCH_MODEL_HUB_URL',
    setting: 'modelHubUrl',
    httpOnLoopback: true,
  },
  // One take at a time: the model takes most of the machine.
  limits: { concurrency: 1, requestsPerMinute: null },
  // Polling reads memory in this process: progress shows per token.
  pollIntervalMs: 200,
  probePath: null,
  // A local run costs nothing: one the app lost simply runs again.
  lostSubmission: 'client-id',
  credentials: null,
  // The engine hears the audio it continues as MusicGen does: mono at the model's rate.
  inputAudio: { pcm: { sampleRate: LOCAL_MODEL.sampleRate, channels: 1 } },
  createClient: () => {
    throw new Error('the local client is built by the core (it shares the model manager)')
  },
}
