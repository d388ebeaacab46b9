// The project's lint rules: ESLint's and typescript-eslint's recommended sets, over src, test and bench.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // a leading underscore marks what a destructuring or a signature leaves out on purpose
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'error',
    },
  },
  {
    // benchmarks and tests report what they measure on the console; bin is plain Node JavaScript
    files: ['bench/**', 'test/**', 'bin/**'],
    languageOptions: { globals: { process: 'readonly' } },
    rules: { 'no-console': 'off' },
  },
);
