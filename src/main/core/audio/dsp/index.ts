// Audio math on decoded samples: planar PCM, resampling, peaks, loudness, true peak, seams, the
// mix.
export * from './pcm'
export * from './resample'
export * from './peaks'
export * from './loudness'
export * from './true-peak'
export * from './seam'
export * from './render'
export * from './segment-peaks'
