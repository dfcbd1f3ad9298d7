/** Jest: TypeScript through ts-jest in transpile-only mode (types are checked by `npm run typecheck`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }],
    // otplib's plugins (@scure/base, @noble/hashes) ship ES modules only: Node requires them, jest needs them in CommonJS.
    '^.+/node_modules/@(scure|noble)/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022' }, diagnostics: false }],
  },
  transformIgnorePatterns: ['^(?!.*/node_modules/@(scure|noble)/).*/node_modules/'],
  testTimeout: 30000,
  maxWorkers: 2,
  // A PostgreSQL cluster of the run's own when DATABASE_URL is unset (test/support/postgres.ts).
  globalSetup: '<rootDir>/test/support/postgres-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/postgres-global-teardown.ts',
};
