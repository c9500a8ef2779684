// What the uncompressed containers (WAV, AIFF) share: the sample layouts, the streaming frame
// decoder, and the import's scan that finds frames and peaks without decoding to floats.
export * from './sample-format'
export * from './stream'
export * from './peaks'
export * from './scan'
