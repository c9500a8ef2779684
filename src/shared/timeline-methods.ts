/**
 * The contract methods an undo step of the timeline may call: edits of tracks and clips, and the
 * project's master gain.
 */
export const TIMELINE_METHODS = [
  'clips.create',
  'clips.update',
  'clips.delete',
  'tracks.create',
  'tracks.update',
  'tracks.delete',
  'projects.setMasterGain',
] as const
export type TimelineMethod = (typeof TIMELINE_METHODS)[number]
