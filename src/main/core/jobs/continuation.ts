// Continuations: cutting the context the model continues from, and placing the result on the
// timeline so that it picks up seamlessly (ARCHITECTURE.md, "Continuation chains").
import type { Clip } from '../../../shared/domain'
import { placeClips } from '../../../shared/placement'
import { framesAtRate, placeContinuation } from '../../../shared/timeline'
import {
  combineCommands,
  deleteClipCommand,
  updateClipCommand,
  type Command,
} from '../../../shared/undo'
import { AppError } from '../app-error'
import { alignSeam, computePeaks, serializePeaks, type PcmAudio } from '../audio/dsp'
import { encodeWav } from '../audio/formats/wav'
import type { CoreContext } from '../context'
import { openAssetSource } from '../export/asset-source'
import type { AssetRecord } from '../store/assets'

export interface ContextCut {
  asset: AssetRecord
  /** W in project samples, exactly as cut. */
  contextSamples: number
  /** Where the context ended in the parent's source (its offset + length), project samples. */
  contextEnd: number
  /** W in seconds as the model sees it. */
  seconds: number
}

async function readAssetRange(
  ctx: CoreContext,
  asset: AssetRecord,
  start: number,
  count: number,
): Promise<PcmAudio> {
  const source = await openAssetSource(
    ctx.contentStore.pathOf(asset.sha256, asset.ext),
    asset.format,
  )
  try {
    const clamped = Math.max(0, Math.min(count, asset.frames - start))
    return { sampleRate: asset.sampleRate, channels: source.reader.read(start, clamped) }
  } finally {
    source.close()
  }
}

/** Cuts the last `contextSeconds` of a clip exactly from its asset and stores them as a WAV asset. */
export async function cutContext(
  ctx: CoreContext,
  clip: Clip,
  contextSeconds: number,
): Promise<ContextCut> {
  const track = ctx.tracks.get(clip.trackId)
  const project = ctx.projects.get(track.projectId)
  const parentAsset = ctx.assets.get(clip.assetId)
  const rate = project.sampleRate
  const contextSamples = Math.round(contextSeconds * rate)
  if (contextSamples > clip.length) {
    throw new AppError(
      'invalid_input',
      `the clip is ${(clip.length / rate).toFixed(1)} s long: a context of ${contextSeconds} s does not fit`,
      'contextSeconds',
    )
  }
  const contextEnd = clip.offset + clip.length
  const from = framesAtRate(contextEnd - contextSamples, rate, parentAsset.sampleRate)
  const to = framesAtRate(contextEnd, rate, parentAsset.sampleRate)
  const audio = await readAssetRange(ctx, parentAsset, from, to - from)
  // 16-bit PCM: what every provider takes as input audio.
  const bytes = encodeWav(audio, { format: 'int16' })
  const blob = await ctx.contentStore.putBytes(bytes, 'wav')
  const existing = ctx.assets.findBySha(project.id, blob.sha256)
  if (existing) return { asset: existing, contextSamples, contextEnd, seconds: contextSeconds }
  const asset: AssetRecord = {
    id: ctx.newId(),
    projectId: project.id,
    name: `${parentAsset.name.replace(/\.[^.]+$/, '')} (last ${contextSeconds} s).wav`,
    format: 'wav',
    sampleRate: audio.sampleRate,
    channels: audio.channels.length,
    frames: to - from,
    byteSize: blob.size,
    origin: 'render',
    createdAt: ctx.clock(),
    sha256: blob.sha256,
    ext: blob.ext,
  }
  ctx.db.transaction(() => ctx.assets.insert(asset, serializePeaks(computePeaks(audio))))
  return { asset, contextSamples, contextEnd, seconds: contextSeconds }
}

export interface PlacementRequest {
  parentClipId: string
  contextAssetId: string
  contextSeconds: number
  contextSamples: number
  contextEnd: number | null
  resultAssetId: string
}

export interface PlannedContinuation {
  projectId: string
  /** One undo step: trims the parent, removes what it replaces, creates the clip (and a lane). */
  command: Command
  /** The new clip's temporary id in the command. */
  clipId: string
}

/**
 * Plans a continuation result R after its parent: R's copy of the context over the parent's
 * tail, refined by cross-correlation and matched in loudness, with an equal-power crossfade at
 * the seam. Where the span is taken on the parent's track the clip goes on a lane below (the
 * seam stays aligned: only the lane changes). `replacing` are clips the step removes (an earlier
 * take of the chain). Null when the parent clip no longer exists.
 */
export async function planContinuationResult(
  ctx: CoreContext,
  request: PlacementRequest,
  replacing: readonly Clip[] = [],
): Promise<PlannedContinuation | null> {
  let parent: Clip
  try {
    parent = ctx.clips.get(request.parentClipId)
  } catch {
    return null
  }
  const project = ctx.projects.get(ctx.tracks.get(parent.trackId).projectId)
  const rate = project.sampleRate
  const contextAsset = ctx.assets.get(request.contextAssetId)
  const result = ctx.assets.get(request.resultAssetId)
  const tail = await readAssetRange(ctx, contextAsset, 0, contextAsset.frames)
  const headFrames = Math.min(
    result.frames,
    Math.ceil((request.contextSeconds + 1) * result.sampleRate),
  )
  const head = await readAssetRange(ctx, result, 0, headFrames)
  const seam = alignSeam(tail, head, rate)
  // The parent as it is now (it may have changed while the audio was read).
  parent = ctx.clips.get(request.parentClipId)
  const placement = placeContinuation({
    parent,
    projectRate: rate,
    contextSeconds: request.contextSeconds,
    contextSamples: request.contextSamples,
    ...(request.contextEnd !== null ? { contextEnd: request.contextEnd } : {}),
    resultFrames: framesAtRate(result.frames, result.sampleRate, rate),
    lagSamples: seam.aligned ? seam.lagSamples : 0,
    gainDb: seam.gainDb,
  })
  const clipId = `pending-continuation-${request.resultAssetId}`
  const clips = ctx.clips.listByProject(project.id)
  const placed = placeClips({
    projectId: project.id,
    tracks: ctx.tracks.listByProject(project.id).map((track) => ({
      ...track,
      clips: clips.filter((clip) => clip.trackId === track.id),
    })),
    clips: [{ id: clipId, trackId: parent.trackId, assetId: result.id, ...placement.clip }],
    reason: 'continuation',
    label: 'Place continuation',
    ignore: new Set([parent.id, ...replacing.map((clip) => clip.id)]),
  })
  const trim = updateClipCommand('Place continuation', parent, {
    ...parent,
    length: placement.parent.length,
    fadeOut: placement.parent.fadeOut,
  })
  const steps = [
    ...replacing.map((clip) => deleteClipCommand('Use this take', clip)),
    ...(trim ? [trim] : []),
    placed.command,
  ]
  ctx.log.info('continuation planned', {
    resultAssetId: result.id,
    lagSamples: seam.lagSamples,
    correlation: Number(seam.correlation.toFixed(3)),
    gainDb: Number(seam.gainDb.toFixed(2)),
    lane: placed.placed[0]!.trackId === parent.trackId ? 'parent' : 'below',
  })
  return {
    projectId: project.id,
    command: combineCommands(replacing.length > 0 ? 'Use this take' : 'Place continuation', steps),
    clipId,
  }
}
