import tseslint from 'typescript-eslint';

// Module names say what a module does.
const NAMING = { group: ['**/utils/*', '**/helpers/*'], message: 'Name modules after what they do.' };

// What may import what (docs: DESIGN "Layout"). The API layer is the server's HTTP surface: the
// Cloud Apps API, the management API and the framework glue. One module under http/ is not part
// of it: http/errors.ts, the error model every layer throws (its renderers stay in http/). A
// gitignore-style `!` cannot re-allow a file under a forbidden folder, hence a regex.
const API_LAYER = '(^|/)(cloudapps|management)/|(^|/)http/(?!errors\\.js$)';
const STORE_RULE = {
  regex: API_LAYER,
  message: 'The store does not import the API layer (cloudapps/, management/, http/ but http/errors).',
};
const LOG_ENGINE_RULE = {
  regex: API_LAYER,
  message: 'The log engine (discovery/) does not import the API layer (cloudapps/, management/, http/ but http/errors).',
};
const DETECTION_RULE = {
  regex: '(^|/)management/|(^|/)http/(?!errors\\.js$)',
  message: 'The detection engine (detection/) does not import the management API or the HTTP layer (but http/errors).',
};
const PROTOCOL_RULE = {
  group: ['@appwarden/*', '@appwarden/*/**', '**/server/**', '**/sdk/**', '**/cli/**', '**/console/**'],
  message: 'protocol imports nothing of ours: it is the wire contract the server, SDK and console share.',
};
const SDK_RULE = {
  group: ['@appwarden/server', '@appwarden/server/**', '@appwarden/cli', '@appwarden/cli/**', '**/server/**', '**/cli/**'],
  message: 'The SDK talks to a server over HTTP; it imports protocol, never the server (or the CLI).',
};

/** no-restricted-imports for a set of files: a later entry replaces earlier options, so each repeats NAMING. */
const restrict = (files, ...patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [NAMING, ...patterns] }] },
});

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '.appwarden/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { patterns: [NAMING] }],
    },
  },
  restrict(['packages/server/src/store/**'], STORE_RULE),
  restrict(['packages/server/src/discovery/**'], LOG_ENGINE_RULE),
  restrict(['packages/server/src/detection/**'], DETECTION_RULE),
  restrict(['packages/protocol/src/**'], PROTOCOL_RULE),
  restrict(['packages/sdk/src/**'], SDK_RULE),
  {
    files: ['**/*.js', '**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
