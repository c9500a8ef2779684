import { randomUUID } from 'node:crypto'

/** Ids of things that exist, so that mutated payloads reach the handlers, not only validation. */
export interface Seeds {
  projectId: string
  trackId: string
  assetId: string
  clipId: string
  folder: string
  audioPath: string
  base64: string
}

type Random = () => number

/** A valid payload of each method (deleting methods get ids of nothing, to keep the seeds). */
export function templates(seeds: Seeds): Record<string, Record<string, unknown>> {
  const nobody = '00000000-0000-4000-8000-000000000000'
  const { projectId, trackId, assetId, clipId, folder } = seeds
  return {
    'app.info': {},
    'app.chooseDirectory': { title: 'Pick' },
    'projects.list': {},
    'projects.create': { name: 'Fuzz', sampleRate: 48000 },
    'projects.get': { projectId },
    'projects.rename': { projectId, name: 'Renamed' },
    'projects.setTempo': { projectId, tempoBpm: 120, timeSignature: [4, 4] },
    'projects.delete': { projectId: nobody },
    'tracks.create': { projectId, name: 'T' },
    'tracks.update': { trackId, name: 'T2', gainDb: -3, mute: false, solo: false, position: 0 },
    'tracks.delete': { trackId: nobody },
    'assets.import': { projectId, name: 'a.wav', data: seeds.base64 },
    'assets.list': { projectId },
    'assets.peaks': { assetId, framesPerPeak: 256 },
    'assets.mediaUrl': { assetId },
    'clips.create': { trackId, assetId, start: 0, length: 100 },
    'clips.update': { clipId, start: 10, gainDb: 0, fadeIn: 0, fadeOut: 0 },
    'clips.delete': { clipId: nobody },
    'export.stems': { projectId, directory: folder, format: 'wav', sampleRate: 48000 },
    'export.clip': { clipId, directory: folder, format: 'flac', sampleRate: 44100 },
    'export.cancel': { projectId },
    'generations.create': {
      projectId,
      provider: 'cog',
      params: { prompt: 'x', duration: 5 },
      takes: 1,
    },
    'generations.continue': {
      clipId,
      provider: 'cog',
      contextSeconds: 5,
      params: { duration: 10 },
    },
    'chains.extend': { clipId, segments: [{ prompt: 'a', duration: 10 }] },
    'generations.reroll': { generationId: nobody },
    'chains.pick': { generationId: nobody },
    'generations.get': { generationId: nobody },
    'generations.list': {
      projectId,
      view: 'failed',
      prompt: 'x',
      after: { createdAt: 1, id: nobody },
      limit: 50,
    },
    'generations.ofAsset': { assetId },
    'takes.prompts': { projectId },
    'generations.cancel': { generationId: nobody },
    'generations.retry': { generationId: nobody },
    'generations.delete': { generationId: nobody },
    'generations.estimate': { provider: 'replicate', params: { prompt: 'x', duration: 8 } },
    'providers.status': {},
    'settings.get': {},
    'settings.set': { theme: 'dark' },
    'secrets.status': {},
    'secrets.set': { account: 'replicate', value: 'r8_fuzz' },
    'secrets.clear': { account: 'scenario-key' },
    'secrets.check': { provider: 'cog' },
  }
}

const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!

/** Values of every JSON kind and the edges of each: what a careless or hostile client sends. */
function hostileValue(random: Random, seeds: Seeds, depth = 0): unknown {
  const choices: (() => unknown)[] = [
    () => null,
    () => true,
    () => 0,
    () => -1,
    () => 2 ** 31,
    () => 2 ** 53 + 1,
    () => -(2 ** 63),
    () => 1e308,
    () => 5e-324,
    () => 0.5,
    () => Math.floor(random() * 1e6) - 5e5,
    () => '',
    () => ' ',
    () => 'x'.repeat(Math.floor(random() * 5000)),
    () => '\u0000\u0007\u001f',
    () => '\ud800',
    () => '🎹'.repeat(50),
    () => '../../../../etc/passwd',
    () => '/etc/shadow',
    () => '~/.ssh/id_rsa',
    () => seeds.folder,
    () => seeds.audioPath,
    () => 'http://127.0.0.1:1/',
    () => 'javascript:alert(1)',
    () => 'file:///etc/passwd',
    () => randomUUID(),
    () => seeds.projectId,
    () => seeds.trackId,
    () => seeds.assetId,
    () => seeds.clipId,
    () => 'AAAA',
    () => 'UklGRiQAAABXQVZF',
    () => '__proto__',
    () => [],
    () => ({}),
  ]
  if (depth < 3) {
    choices.push(
      () =>
        Array.from({ length: Math.floor(random() * 4) }, () =>
          hostileValue(random, seeds, depth + 1),
        ),
      () => ({
        [pick(random, ['a', '__proto__', 'constructor', 'name'])]: hostileValue(
          random,
          seeds,
          depth + 1,
        ),
      }),
    )
  }
  return pick(random, choices)()
}

/** One payload: a valid template with one to three mutations, or something else entirely. */
export function payload(
  random: Random,
  seeds: Seeds,
  methods: Record<string, Record<string, unknown>>,
): { method: unknown; params: unknown } {
  const names = Object.keys(methods)
  const roll = random()
  if (roll < 0.03)
    return { method: hostileValue(random, seeds), params: hostileValue(random, seeds) }
  const method = pick(random, names)
  if (roll < 0.08) return { method, params: hostileValue(random, seeds) }
  const params: Record<string, unknown> = { ...methods[method] }
  const mutations = 1 + Math.floor(random() * 3)
  for (let i = 0; i < mutations; i++) {
    const keys = Object.keys(params)
    const op = random()
    if (op < 0.15 && keys.length > 0) delete params[pick(random, keys)]
    else if (op < 0.25)
      params[pick(random, ['extra', 'path', 'data', 'upload', '__proto__', 'constructor', 'id'])] =
        hostileValue(random, seeds)
    else if (keys.length > 0) params[pick(random, keys)] = hostileValue(random, seeds)
  }
  // What arrives over the wire: JSON (NaN and undefined do not survive; __proto__ stays a key).
  return { method, params: JSON.parse(JSON.stringify(params)) as unknown }
}
