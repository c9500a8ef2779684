// Ogg Vorbis and Ogg Opus: the decoders, and the decode in segments on worker threads.
export * from './vorbis'
export * from './opus'
export * from './parallel'
export * from './segment-task'
