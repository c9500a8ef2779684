// FLAC: the decoder, the encoder, the header, and the decode in segments on worker threads.
export * from './decode'
export * from './encode'
export * from './header'
export * from './parallel'
export * from './segment-task'
