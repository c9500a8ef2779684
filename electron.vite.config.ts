import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

export default defineConfig({
  main: {
    build: {
      // Dependencies stay external and load from node_modules (the WebAssembly decoders are ours,
      // inlined as base64 in src).
      rollupOptions: {
        // `host` is browser mode: the same core served over a loopback WebSocket, run by plain Node.
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          host: resolve(__dirname, 'src/main/host/cli.ts'),
          // Worker threads for heavy audio work (decoding, rendering), started by the core.
          worker: resolve(__dirname, 'src/main/core/worker-main.ts'),
          // The local MusicGen engine: one worker thread per take (onnxruntime-node stays external).
          'local-engine': resolve(__dirname, 'src/main/core/providers/local/engine-process.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      rollupOptions: { input: resolve(__dirname, 'src/renderer/index.html') },
    },
    plugins: [svelte({ configFile: resolve(__dirname, 'svelte.config.mjs') })],
  },
})
