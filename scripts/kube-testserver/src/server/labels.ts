/**
 * Label selectors as the API server parses them (k8s.io/apimachinery/pkg/labels): `a=b`, `a==b`, `a!=b`,
 * `a in (x,y)`, `a notin (x,y)`, `a`, `!a`, `a>1`, `a<1`, comma-separated, all must hold.
 */
import { badRequest } from '../errors';

type Op = 'eq' | 'neq' | 'in' | 'notin' | 'exists' | 'notexists' | 'gt' | 'lt';

interface Requirement {
  key: string;
  op: Op;
  values: string[];
}

export interface LabelSelector {
  matches(labels: Record<string, string> | undefined): boolean;
  readonly empty: boolean;
}

export const EVERYTHING: LabelSelector = { matches: () => true, empty: true };

/** Parses a labelSelector query value; a malformed one answers 400 like the real server. */
export function parseLabelSelector(text: string | null | undefined): LabelSelector {
  if (!text || !text.trim()) return EVERYTHING;
  const reqs = splitRequirements(text).map((part) => parseRequirement(part.trim(), text));
  return {
    empty: reqs.length === 0,
    matches: (labels) => reqs.every((r) => matchRequirement(r, labels ?? {})),
  };
}

/** Splits on commas outside parentheses. */
function splitRequirements(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.filter((p) => p.trim() !== '');
}

const SET_RE = /^([^\s!=<>(),]+)\s+(in|notin)\s*\(([^)]*)\)$/;
const CMP_RE = /^([^\s!=<>(),]+)\s*(==|=|!=|>|<)\s*([^\s!=<>(),]*)$/;
const KEY_RE = /^(!?)\s*([^\s!=<>(),]+)$/;

function parseRequirement(part: string, whole: string): Requirement {
  let m = SET_RE.exec(part);
  if (m) {
    const values = m[3]
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
    return { key: checkKey(m[1], whole), op: m[2] as 'in' | 'notin', values };
  }
  m = CMP_RE.exec(part);
  if (m) {
    const op: Op = m[2] === '!=' ? 'neq' : m[2] === '>' ? 'gt' : m[2] === '<' ? 'lt' : 'eq';
    return { key: checkKey(m[1], whole), op, values: [m[3]] };
  }
  m = KEY_RE.exec(part);
  if (m) return { key: checkKey(m[2], whole), op: m[1] ? 'notexists' : 'exists', values: [] };
  throw badRequest(`unable to parse requirement: found '${part}', expected: identifier`);
}

const QUALIFIED =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function checkKey(key: string, _whole: string): string {
  if (!QUALIFIED.test(key)) {
    throw badRequest(
      `unable to parse requirement: <nil>: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    );
  }
  return key;
}

function matchRequirement(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case 'eq':
    case 'in':
      return has && r.values.includes(v);
    case 'neq':
    case 'notin':
      return !has || !r.values.includes(v);
    case 'exists':
      return has;
    case 'notexists':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has) return false;
      const n = Number(v);
      const bound = Number(r.values[0]);
      if (!Number.isInteger(n) || Number.isNaN(bound)) return false;
      return r.op === 'gt' ? n > bound : n < bound;
    }
  }
}
