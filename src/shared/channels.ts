// IPC channel names, shared by main and the preload (which must stay free of zod and Node).
export const CALL_CHANNEL = 'sketch:call'
export const EVENT_CHANNEL = 'sketch:event'
export const MEDIA_SCHEME = 'sketch-media'
