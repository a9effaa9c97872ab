import * as fs from 'fs';
import * as path from 'path';
import type { Json, JsonObject, KubeObject } from '../types';

/** The recorded kube-apiserver answers (fixtures/conformance/README.md of this package), for the tests of this module. */
import { conformanceDir as CONFORMANCE_DIR } from '../conformance/cases';

export { CONFORMANCE_DIR };

export interface Recorded {
  name: string;
  request: { method: string; path: string; contentType: string | null; body: Json };
  response: { status: number; body: Json };
}

export function loadCase(prefix: string): Recorded {
  const file = fs.readdirSync(CONFORMANCE_DIR).find((f) => f.startsWith(prefix));
  if (!file) throw new Error(`no conformance case ${prefix} in ${CONFORMANCE_DIR}`);
  return JSON.parse(fs.readFileSync(path.join(CONFORMANCE_DIR, file), 'utf8')) as Recorded;
}

export const responseObject = (r: Recorded): KubeObject => r.response.body as unknown as KubeObject;
export const requestObject = (r: Recorded): KubeObject => structuredClone(r.request.body) as unknown as KubeObject;

/** The time masked times stand for: the recorded requests all ran within one second. */
export const RECORDED_TIME = '2026-11-22T14:07:00Z';

/**
 * Replaces masked placeholders by concrete values so objects can be compared structurally: `<nodePort:N>` (numbered
 * per file) and `<time>` (one second, so managedFields keep the order the server gave them).
 */
export function unmask(v: Json): Json {
  if (typeof v === 'string') {
    const m = /^<nodePort:(\d+)>$/.exec(v);
    if (m) return 30000 + Number(m[1]);
    if (v === '<time>') return RECORDED_TIME;
    return v;
  }
  if (Array.isArray(v)) return v.map(unmask);
  if (v && typeof v === 'object') {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) out[k] = unmask(x);
    return out;
  }
  return v;
}
