import type { Handlers } from '../../../shared/api'
import type { GenerationEstimate } from '../../../shared/domain'
import {
  type MusicgenParams,
  PARAM_KEYS,
  type Provider,
  randomSeed,
  resolveSeed,
  validate,
  withDefaults,
} from '../../../shared/musicgen'
import { AppError, notFound } from '../app-error'
import type { CoreContext } from '../context'
import { isProviderError } from '../providers/provider-error'
import { credentialProblem } from '../jobs/clients'
import type { NewGeneration } from '../store/generations'
import { publicGeneration } from '../store/generations'
import { assetSeconds } from '../jobs/input-audio'
import type { JobQueue } from '../jobs/queue'

type GenerationHandlers = Pick<
  Handlers,
  | 'generations.create'
  | 'generations.get'
  | 'generations.list'
  | 'generations.cancel'
  | 'generations.retry'
  | 'generations.delete'
  | 'generations.estimate'
  | 'providers.status'
>

/**
 * The canonical params from what the renderer sent: unknown keys refused, defaults filled in, and
 * input audio given by asset id completed with its length (the slice checks need it).
 */
export function canonicalParams(
  ctx: CoreContext,
  raw: Record<string, unknown>,
  projectId: string | null,
): MusicgenParams {
  const unknown = Object.keys(raw).filter((k) => !(PARAM_KEYS as readonly string[]).includes(k))
  if (unknown.length > 0) {
    throw new AppError('invalid_input', `unknown parameter ${unknown.join(', ')}`, unknown[0])
  }
  // Values are checked by validate below, as unknowns.
  const params = withDefaults(raw)
  const audio: unknown = params.input_audio
  if (typeof audio === 'object' && audio !== null) {
    const assetId = (audio as { assetId?: unknown }).assetId
    if (typeof assetId === 'string') {
      const asset = ctx.assets.find(assetId)
      if (!asset || (projectId !== null && asset.projectId !== projectId)) {
        throw new AppError('not_found', `Asset ${assetId} does not exist`, 'input_audio')
      }
      params.input_audio = { assetId, seconds: assetSeconds(asset) }
    }
  }
  return params
}

export function checkValid(params: MusicgenParams, provider: Provider): void {
  const problems = validate(params, provider)
  const first = problems[0]
  if (first !== undefined) {
    throw new AppError('invalid_input', problems.map((p) => p.message).join('; '), first.field)
  }
}

/** N different seeds: a seed the user fixed goes to the first take, the others are random. */
export function seedsForTakes(fixed: number | null, takes: number, random: () => number): number[] {
  const seeds = fixed === null ? [] : [fixed]
  while (seeds.length < takes) {
    const seed = randomSeed(random)
    if (!seeds.includes(seed)) seeds.push(seed)
  }
  return seeds
}

export async function requireKeys(ctx: CoreContext, provider: Provider): Promise<void> {
  const problem = await credentialProblem(ctx, provider)
  if (problem !== null) throw new AppError('invalid_input', problem, 'provider')
}

export function generationHandlers(ctx: CoreContext, queue: JobQueue): GenerationHandlers {
  const { projects, tracks } = ctx
  const { store } = queue

  return {
    'generations.create': async ({ projectId, provider, params: raw, trackId, takes }) => {
      projects.get(projectId)
      if (trackId !== undefined && tracks.get(trackId).projectId !== projectId) {
        throw notFound('Track', trackId)
      }
      const params = canonicalParams(ctx, raw, projectId)
      // Nothing is queued, let alone sent, unless every rule holds.
      checkValid(params, provider)
      await requireKeys(ctx, provider)
      const now = ctx.clock()
      const rows = seedsForTakes(params.seed, takes, queue.random).map((seed): NewGeneration => ({
        id: ctx.newId(),
        projectId,
        trackId: trackId ?? null,
        provider,
        params: { ...params, seed },
        seed,
        inputAssetId: params.input_audio?.assetId ?? null,
        status: 'queued',
        createdAt: now,
      }))
      const created = queue.add(rows)
      ctx.log.info('takes queued', { projectId, provider, takes: created.length })
      return created
    },

    'providers.status': () => queue.reachability(),

    'generations.get': ({ generationId }) => publicGeneration(store.get(generationId)),

    'generations.list': ({ projectId }) => {
      projects.get(projectId)
      return store.listByProject(projectId).map(publicGeneration)
    },

    'generations.cancel': ({ generationId }) => queue.cancel(generationId),

    'generations.retry': ({ generationId }) => queue.retry(generationId),

    'generations.delete': ({ generationId }) => {
      queue.remove(generationId)
      return null
    },

    'generations.estimate': async ({ provider, params: raw }): Promise<GenerationEstimate> => {
      const params = canonicalParams(ctx, raw, null)
      checkValid(params, provider)
      // A dry run with a key (Scenario) is an authenticated call: the key must be usable there.
      if (provider === 'scenario') await requireKeys(ctx, provider)
      try {
        return await queue.clientFor(provider).estimate(resolveSeed(params, queue.random))
      } catch (error) {
        if (!isProviderError(error)) throw error
        const code =
          error.code === 'invalid_input' || error.code === 'auth' ? 'invalid_input' : 'internal'
        throw new AppError(code, error.message, code === 'invalid_input' ? 'provider' : undefined)
      }
    },
  }
}
