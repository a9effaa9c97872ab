/**
 * The chart's own DaemonSet, Deployment and webhook Service, as `helm template` renders them, for tests that check
 * the lab kubelet against what it will really be given. Undefined when the repo's helm is not installed (.tools).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { LabKubeletError } from './objects';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const HELM = path.join(REPO_ROOT, '.tools', 'bin', 'helm');

export interface RenderedChart {
  daemonSet: unknown;
  deployment: unknown;
  webhookService: unknown;
}

let rendered: RenderedChart | undefined;

export function renderedChart(): RenderedChart | undefined {
  if (rendered || !fs.existsSync(HELM)) return rendered;
  const text = execFileSync(
    HELM,
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
