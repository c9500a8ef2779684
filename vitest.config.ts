import { resolve } from 'node:path'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        // The renderer's state classes (*.svelte.ts) are compiled by Svelte, as the app's build does.
        plugins: [svelte({ configFile: resolve(__dirname, 'svelte.config.mjs') })],
        test: {
          // Pure code in this process: no child process, worker thread or temporary folder.
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          // A time limit only catches hangs: a shared 2-core machine runs CPU-heavy tests 5x slower.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          // Whatever spawns ffmpeg/sox or the app, starts workers or writes temporary folders.
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // expect.poll waits for a state; its 1 s default is a timing assertion on a loaded machine.
          expect: { poll: { timeout: 20_000 } },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          // One test is a whole journey; under CI load it can take minutes. Limits catch hangs only.
          testTimeout: 300_000,
          hookTimeout: 180_000,
          expect: { poll: { timeout: 20_000 } },
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'bench',
          include: ['bench/**/*.bench.ts'],
          environment: 'node',
          testTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
