import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';

const config = [
  ...nextVitals,
  ...nextTypescript,
  {
    // contracts/ is the source of truth: it must not depend on the server or the app.
    files: ['contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/server/**', '**/app/**', '@/server/*', '@/app/*'], message: 'contracts/ imports only zod and the generator.' }] },
      ],
    },
  },
  { ignores: ['.next/**', 'client/dist/**', 'client/src/schema.*', '.venv/**', '.data/**', 'test-results/**', 'next-env.d.ts'] },
];

export default config;
