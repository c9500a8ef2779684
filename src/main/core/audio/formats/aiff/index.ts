// AIFF/AIFF-C: the streaming decoder.
export * from './decode'
