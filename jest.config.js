// One jest project per workspace package: `npx jest --selectProjects controller` runs the controller's tests alone
// (shared, controller, speaker, plugin, kube-testserver, scripts). SWC strips types (fast); `tsc -b` in `npm test` does the
// type checking.
//
// The rule for `npm run test:unit`: a test in a package's `src/e2e/` or named `*.e2e.test.ts` is an end-to-end test:
// it starts real programs (kubectl, helm, ironlb's daemons, node or the ARP tools as child processes) or builds the
// network lab (root). `npm run test:unit` leaves those out (`--testPathIgnorePatterns '/src/e2e/|\.e2e\.test\.ts$'`)
// and runs the pure and in-process tests alone, in seconds; `npm test` (plain `jest`) runs everything.

const moduleNameMapper = {
  '^@ironlb/shared$': '<rootDir>/shared/src/index.ts',
  '^@ironlb/shared/k8s$': '<rootDir>/shared/src/k8s/index.ts',
  '^@ironlb/shared/config$': '<rootDir>/shared/src/config/index.ts',
  '^@ironlb/controller$': '<rootDir>/controller/src/index.ts',
  '^@ironlb/speaker$': '<rootDir>/speaker/src/index.ts',
  '^@ironlb/kubectl-ironlb$': '<rootDir>/plugin/src/index.ts',
  '^@ironlb/kube-testserver$': '<rootDir>/scripts/kube-testserver/src/index.ts',
};

/** @returns {import('jest').Config} */
const project = (displayName, src) => ({
  displayName,
  rootDir: __dirname,
  roots: [`<rootDir>/${src}`],
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleNameMapper,
});

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    project('shared', 'shared/src'),
    project('controller', 'controller/src'),
    project('speaker', 'speaker/src'),
    project('plugin', 'plugin/src'),
    project('kube-testserver', 'scripts/kube-testserver/src'),
    project('scripts', 'scripts/src'),
  ],
  testTimeout: 60000,
};
