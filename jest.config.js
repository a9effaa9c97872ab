// SWC strips types (fast); `tsc -b` in `npm test` does the type checking.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: [
    '<rootDir>/shared/src',
    '<rootDir>/controller/src',
    '<rootDir>/speaker/src',
    '<rootDir>/scripts/kube-testserver/src',
    '<rootDir>/scripts/src',
  ],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleNameMapper: {
    '^@ironlb/shared$': '<rootDir>/shared/src/index.ts',
    '^@ironlb/shared/k8s$': '<rootDir>/shared/src/k8s/index.ts',
    '^@ironlb/controller$': '<rootDir>/controller/src/index.ts',
    '^@ironlb/speaker$': '<rootDir>/speaker/src/index.ts',
    '^@ironlb/kube-testserver$': '<rootDir>/scripts/kube-testserver/src/index.ts',
  },
  testTimeout: 60000,
};
