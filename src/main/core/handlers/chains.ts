import type { Handlers } from '../../../shared/api'
import type { MusicgenParams, Provider } from '../../../shared/musicgen'
import { AppError } from '../app-error'
import type { CoreContext } from '../context'
import type { Chains } from '../jobs/chains'
import type { JobQueue } from '../jobs/queue'
import { canonicalParams, checkValid, requireKeys, seedsForTakes } from './generations'

type ChainHandlers = Pick<
  Handlers,
  'generations.continue' | 'chains.extend' | 'generations.reroll' | 'chains.pick'
>

/**
 * A segment's canonical parameters: what the user set, plus the continuation of W seconds of
 * the clip (the core cuts them exactly; the model slices nothing: start 0, to the end).
 */
function segmentParams(
  ctx: CoreContext,
  raw: Record<string, unknown>,
  projectId: string,
  clipAssetId: string,
  contextSeconds: number,
  provider: Provider,
  field: string,
): MusicgenParams {
  const { input_audio: _input, continuation: _continuation, ...rest } = raw
  let params: MusicgenParams
  try {
    params = {
      ...canonicalParams(ctx, rest, projectId),
      input_audio: { assetId: clipAssetId, seconds: contextSeconds },
      continuation: true,
      continuation_start: 0,
      continuation_end: null,
    }
    checkValid(params, provider)
  } catch (error) {
    if (error instanceof AppError && field !== '') {
      throw new AppError(error.code, `${field}: ${error.message}`, `${field}.${error.field ?? ''}`)
    }
    throw error
  }
  return params
}

export function chainHandlers(ctx: CoreContext, queue: JobQueue, chains: Chains): ChainHandlers {
  return {
    'generations.continue': async ({ clipId, provider, contextSeconds, params: raw, takes }) => {
      const clip = ctx.clips.get(clipId)
      const projectId = ctx.tracks.get(clip.trackId).projectId
      const params = segmentParams(ctx, raw, projectId, clip.assetId, contextSeconds, provider, '')
      await requireKeys(ctx, provider)
      const seeds = seedsForTakes(params.seed, takes, queue.random)
      return chains.enqueue({
        clip,
        provider,
        contextSeconds,
        segments: [{ ...params, seed: seeds[0]! }],
        takes,
        seeds,
      })
    },

    'generations.reroll': ({ generationId }) => chains.reroll(generationId),

    'chains.pick': ({ generationId }) => chains.pick(generationId),

    'chains.extend': async ({ clipId, provider, contextSeconds, segments }) => {
      const clip = ctx.clips.get(clipId)
      const projectId = ctx.tracks.get(clip.trackId).projectId
      // Every segment is checked before anything is queued, let alone paid for.
      const resolved = segments.map((raw, index) => {
        const params = segmentParams(
          ctx,
          raw,
          projectId,
          clip.assetId,
          contextSeconds,
          provider,
          `segments.${index}`,
        )
        return { ...params, seed: params.seed ?? seedsForTakes(null, 1, queue.random)[0]! }
      })
      await requireKeys(ctx, provider)
      return chains.enqueue({
        clip,
        provider,
        contextSeconds,
        segments: resolved,
        takes: 1,
        seeds: [resolved[0]!.seed],
      })
    },
  }
}
