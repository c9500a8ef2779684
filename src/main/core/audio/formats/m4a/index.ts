// M4A/MP4 and ADTS AAC (AAC, ALAC): the decoder over FFmpeg's, compiled to WebAssembly.
export * from './decode'
