// WAV: the streaming decoder and the encoder.
export * from './decode'
export * from './encode'
