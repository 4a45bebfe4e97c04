import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'public', 'training', 'test-results', 'coverage', '.gl', 'data', 'tmp', 'runs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // sim and policy run in workers and in Node: no React, three.js or DOM.
    files: ['src/sim/**/*.ts', 'src/policy/**/*.ts', 'src/engine/**/*.ts', 'src/language/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['react', 'react-dom', 'three', '@react-three/*', '*/components/*', '*/render/*'] }],
    },
  },
  {
    // The LeRobot export's tables and metadata are shared with the browser: no Node built-ins, no React.
    files: ['src/export/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'path', 'child_process', 'react', 'react-dom', 'three', '@react-three/*', '*/components/*'] }],
    },
  },
);
