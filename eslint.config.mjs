// ESLint: typescript-eslint's recommended-type-checked over the TypeScript of every workspace and the tests, plus the
// project's own rules. Type-aware rules read the workspaces' built declarations (`tsc -b` first: `npm run lint:code`).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

/** A default export is allowed only where something loads a module by its default export. */
const DEFAULT_EXPORTS = [
  // A kind package's entry default-exports its kind (PARTITA_KINDS loads it so).
  'packages/kind-*/src/index.ts',
  'examples/*/src/index.ts',
  'test/fixtures/kinds/**',
  // Tool configuration files.
  '*.config.{ts,mts,js,mjs}',
  'vitest.*.config.ts',
];

const UNUSED = { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true };

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    'coverage/',
    'test-artifacts/',
    'sdk/',
    // The page's HTML and style (its TypeScript is in apps/master/web).
    'apps/master/public/',
  ]),
  {
    files: ['**/*.ts', '**/*.mts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // Each workspace's tsconfig.json compiles its src; tsconfig.tests.json typechecks the tests and config files.
        project: ['./tsconfig.tests.json', './{apps,packages,examples}/*/tsconfig.json', './apps/master/web/tsconfig.json'],
        tsconfigRootDir: root,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // Fastify plugins and handlers, and implementations of promise-returning interfaces, are async without awaiting.
      '@typescript-eslint/require-await': 'off',
      // A leading underscore marks a binding kept on purpose (an omitted field, a placeholder parameter).
      '@typescript-eslint/no-unused-vars': ['error', UNUSED],
      // Caught errors are `unknown` and are passed on as they are, as only-throw-error allows by default.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use a named export (default exports are for kind entries).' },
        {
          selector: 'ExportNamedDeclaration > ExportSpecifier[exported.name="default"]',
          message: 'Use a named export (default exports are for kind entries).',
        },
      ],
    },
  },
  {
    // Tests parse JSON bodies and foreign output (DuckDB, Python, fetch) into `any` and assert on it with expect.
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: DEFAULT_EXPORTS,
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Plain JavaScript (scripts, deploy helpers, fixtures): the untyped recommended rules.
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
    rules: { 'no-unused-vars': ['error', UNUSED] },
  },
);
