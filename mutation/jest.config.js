// Jest for mutation runs: one flat project over the pure modules' packages (Stryker's jest runner wraps a single
// test environment to learn which test covers which mutant; `projects` would hide it), unit tests only.
const base = require('../jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '..',
  roots: [
    '<rootDir>/shared/src',
    '<rootDir>/controller/src',
    '<rootDir>/speaker/src',
    // The lab kubelet's pure modules; the rest of scripts/ is edges tested for real.
    '<rootDir>/scripts/src/lab/kubelet',
    // ironlb-kube's RBAC authorizer (pure; the server around it is tested through kubectl and helm).
    '<rootDir>/scripts/kube-testserver/src/authz',
  ],
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  // membership/udp.test.ts drives real sockets on real time: a mutant of the pure membership that breaks liveness
  // would make it wait out its timeouts (a Timeout, not a kill a pure test gave), and a loaded machine can time it
  // out unmutated. The pure tests beside each module are the ones that must kill their mutants.
  testPathIgnorePatterns: ['/node_modules/', '/src/e2e/', '\\.e2e\\.test\\.ts$', '/membership/udp\\.test\\.ts$'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleNameMapper: base.projects[0].moduleNameMapper,
};
