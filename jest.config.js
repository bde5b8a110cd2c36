// Unit specs live beside the code (src/**/*.spec.ts); integration specs in test/ (*.e2e-spec.ts)
// talk to this machine's MariaDB and Redis, each file in its own database and queue prefix.
const swc = ['@swc/jest', {
  jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
  module: { type: 'commonjs' },
}];

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/scripts/**/*.spec.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  // host names from /etc/hosts alone: no spec asks a DNS server, which is off this machine
  setupFiles: ['<rootDir>/test/support/local-names.ts'],
  testSequencer: '<rootDir>/test/support/sequencer.js',
  testTimeout: 60_000,
  // three files at once on two CPUs: jest took 1,353 s with two and 1,245 s with three on a
  // fresh clone here (the browser specs keep both CPUs busy; the lab specs' waits overlap)
  maxWorkers: 3,
};
