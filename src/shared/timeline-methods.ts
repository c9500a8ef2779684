/** The contract methods an undo step of the timeline may call: edits of tracks and clips. */
export const TIMELINE_METHODS = [
  'clips.create',
  'clips.update',
  'clips.delete',
  'tracks.create',
  'tracks.update',
  'tracks.delete',
] as const
export type TimelineMethod = (typeof TIMELINE_METHODS)[number]
