// MP3: the decoder, the frame index, and the decode in segments on worker threads.
export * from './decode'
export * from './header'
export * from './frame-index'
export * from './parallel'
export * from './segment-task'
