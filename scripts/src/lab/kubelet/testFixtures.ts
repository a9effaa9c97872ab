/**
 * The chart's own DaemonSet, Deployment and webhook Service, as `helm template` renders them, for tests that check
 * the lab kubelet against what it will really be given, with the repository's helm (.tools/bin/helm): a missing helm
 * fails the tests with the command that installs it, never skips them.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { LabKubeletError } from './objects';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
/**
 * The repository's helm: found from this folder upwards, so a mutation run in a sandbox below the repository
 * (.stryker-tmp/, which does not copy .tools) uses the same one.
 */
function helm(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, '.tools', 'bin', 'helm');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) {
      throw new Error(
        `helm is not installed in ${REPO_ROOT}/.tools/bin: run 'node scripts/bin/ensure-deps.js' (npm test does)`,
      );
    }
  }
}

export interface RenderedChart {
  daemonSet: unknown;
  deployment: unknown;
  webhookService: unknown;
}

let rendered: RenderedChart | undefined;

export function renderedChart(): RenderedChart {
  if (rendered) return rendered;
  const text = execFileSync(
    helm(),
    ['template', 'ironlb', path.join(REPO_ROOT, 'charts', 'ironlb'), '-n', 'ironlb-system'],
    {
      encoding: 'utf8',
    },
  );
  const docs = parseAllDocuments(text)
    .map((d) => d.toJS() as { kind?: string; metadata?: { name?: string } } | null)
    .filter((d) => d !== null);
  const one = (kind: string, name: string): unknown => {
    const found = docs.filter((d) => d.kind === kind && d.metadata?.name === name);
    if (found.length !== 1) throw new Error(`helm template: ${found.length} ${kind} named ${name}`);
    return found[0];
  };
  rendered = {
    daemonSet: one('DaemonSet', 'ironlb-speaker'),
    deployment: one('Deployment', 'ironlb-controller'),
    webhookService: one('Service', 'ironlb-webhook'),
  };
  return rendered;
}

/** The message of the LabKubeletError `f` throws (fails the test if it throws anything else or nothing). */
export function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LabKubeletError);
    return (e as Error).message;
  }
  throw new Error('no error was thrown');
}
