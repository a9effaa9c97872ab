// Jest for mutation runs: one flat project over the pure modules' packages (Stryker's jest runner wraps a single
// test environment to learn which test covers which mutant; `projects` would hide it), unit tests only.
const base = require('../jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '..',
  roots: ['<rootDir>/shared/src', '<rootDir>/controller/src', '<rootDir>/speaker/src'],
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/src/e2e/', '\\.e2e\\.test\\.ts$'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleNameMapper: base.projects[0].moduleNameMapper,
};
