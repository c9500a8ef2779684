import js from '@eslint/js'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'crypto',
  'http',
  'net',
  'stream',
  'url',
  'module',
]

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'tests/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs', 'scripts/*.mjs', 'svelte.config.mjs'] },
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
      globals: { ...globals.browser },
    },
  },
  {
    // Template expressions are type-checked by svelte-check; the ESLint parser sees them as any.
    files: ['**/*.svelte'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    // The renderer is a sandboxed web page: no Node, no Electron, no native modules.
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: NODE_BUILTINS,
              message: 'The renderer runs in a browser sandbox: no Node modules.',
            },
            {
              group: ['electron', 'better-sqlite3*', 'keytar', 'ws', '**/main/**', '**/preload/**'],
              message: 'The renderer talks to main only through the contract (lib/api.ts).',
            },
          ],
        },
      ],
    },
  },
  {
    // The core is plain Node so that it runs in tests and in browser mode.
    files: ['src/main/core/**', 'src/main/host/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron'],
              message: 'src/main/core and the host stay plain Node: no electron.',
            },
            { group: ['**/renderer/**'], message: 'main does not import renderer code.' },
          ],
        },
      ],
    },
  },
  {
    // Shared code runs on both sides.
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...NODE_BUILTINS, 'electron', 'better-sqlite3*', 'keytar', 'ws'],
              message: 'src/shared runs in main and in the renderer: no Node or Electron.',
            },
            {
              group: ['**/main/**', '**/renderer/**', '**/preload/**'],
              message: 'src/shared depends on nothing else.',
            },
          ],
        },
      ],
    },
  },
  {
    // The sandboxed preload can only load electron; everything else must be type-only.
    files: ['src/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...NODE_BUILTINS, 'zod', 'better-sqlite3*', 'keytar'],
              message: 'A sandboxed preload cannot load this.',
            },
            {
              group: ['**/shared/api'],
              allowTypeImports: true,
              message: 'Import only types from the contract in the preload (it pulls in zod).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**', '*.mjs', 'tests/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // vitest's asymmetric matchers (expect.any, expect.stringMatching…) are typed `any`.
    files: ['tests/**', 'bench/**'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
)
