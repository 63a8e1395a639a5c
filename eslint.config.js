// `npm run lint`: ESLint's and typescript-eslint's recommended rules, and no import cycles
// (scripts/import-graph.ts also checks cycles between the top-level folders of src/).
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.cache/', '**/.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'test/tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // `_name` marks a parameter a signature needs but the body does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // See src/base/node-http.ts (types may be imported).
    files: ['src/**/*.ts'],
    ignores: ['src/base/node-http.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ name: 'node:http', message: 'use src/base/node-http.ts (Node 24 loads undici for its ES module namespace)', allowTypeImports: true }, { name: 'http', message: 'use src/base/node-http.ts', allowTypeImports: true }] }],
    },
  },
  {
    // Fakes and e2e tests read JSON from real servers (API server, etcd) whose shape is the server's.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // sprintf mirrors the per-verb state machine of Go's fmt.Sprintf (afterIndex, goodArgNum reset on
    // every verb, read through a closure); keeping Go's shape makes it checkable line by line against Go.
    files: ['src/gotemplate/fmt.ts'],
    rules: { 'no-useless-assignment': 'off' },
  },
);
