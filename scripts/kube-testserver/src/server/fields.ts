/**
 * Field selectors: which fields each resource supports (the field label conversion functions of the real server)
 * and how an object's value for each is read. Unsupported fields answer 400 with the real server's wording.
 */
import type { ResourceInfo } from '../api/registry';
import { badRequest } from '../errors';
import type { KubeObject } from '../types';
import { asObject } from './json';

type Getter = (o: KubeObject) => string;

interface Requirement {
  field: string;
  value: string;
  equal: boolean;
}

export interface FieldSelector {
  matches(o: KubeObject): boolean;
  readonly empty: boolean;
  /** `metadata.name=<x>` when the selector pins one name (lets a watch of one object stay cheap). */
  readonly name?: string;
}

const str = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'string' ? v : typeof v === 'object' ? '' : String(v);

/** Reads a dotted path of plain object fields. */
const path =
  (p: string, fallback = ''): Getter =>
  (o) => {
    let cur: unknown = o;
    for (const seg of p.split('.')) cur = asObject(cur)?.[seg];
    return cur === undefined || cur === null ? fallback : str(cur);
  };

const META: Record<string, Getter> = {
  'metadata.name': (o) => o.metadata.name ?? '',
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
};

const EVENT_FIELDS: Record<string, Getter> = {
  ...META,
  'involvedObject.kind': path('involvedObject.kind'),
  'involvedObject.namespace': path('involvedObject.namespace'),
  'involvedObject.name': path('involvedObject.name'),
  'involvedObject.uid': path('involvedObject.uid'),
  'involvedObject.apiVersion': path('involvedObject.apiVersion'),
  'involvedObject.resourceVersion': path('involvedObject.resourceVersion'),
  'involvedObject.fieldPath': path('involvedObject.fieldPath'),
  reason: path('reason'),
  reportingComponent: path('reportingComponent'),
  source: path('source.component'),
  type: path('type'),
};

const EVENT_V1_FIELDS: Record<string, Getter> = {
  ...META,
  'regarding.kind': path('regarding.kind'),
  'regarding.namespace': path('regarding.namespace'),
  'regarding.name': path('regarding.name'),
  'regarding.uid': path('regarding.uid'),
  'regarding.apiVersion': path('regarding.apiVersion'),
  'regarding.resourceVersion': path('regarding.resourceVersion'),
  'regarding.fieldPath': path('regarding.fieldPath'),
  reason: path('reason'),
  reportingController: path('reportingController'),
  type: path('type'),
};

/** Kinds with their own field label conversion; the rest accept metadata.name and metadata.namespace only. */
const CUSTOM: Record<string, Record<string, Getter>> = {
  '/events': EVENT_FIELDS,
  'events.k8s.io/events': EVENT_V1_FIELDS,
  '/pods': {
    ...META,
    'spec.nodeName': path('spec.nodeName'),
    'spec.restartPolicy': path('spec.restartPolicy'),
    'spec.schedulerName': path('spec.schedulerName'),
    'spec.serviceAccountName': path('spec.serviceAccountName'),
    'spec.hostNetwork': path('spec.hostNetwork', 'false'),
    'status.phase': path('status.phase'),
    'status.podIP': path('status.podIP'),
    'status.nominatedNodeName': path('status.nominatedNodeName'),
  },
  '/nodes': { ...META, 'spec.unschedulable': path('spec.unschedulable', 'false') },
  '/namespaces': { ...META, 'status.phase': path('status.phase') },
  '/secrets': { ...META, type: path('type') },
};

function supported(info: ResourceInfo): { fields: Record<string, Getter>; custom: boolean } {
  const custom = CUSTOM[`${info.group}/${info.resource}`];
  return custom ? { fields: custom, custom: true } : { fields: META, custom: false };
}

/** Splits on unescaped commas; `\,`, `\=` and `\\` escape as in fields.ParseSelector. */
function splitTerms(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      cur += ch + text[++i];
    } else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.filter((t) => t !== '');
}

const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');

function parseTerm(term: string): Requirement {
  for (const [op, equal] of [
    ['!=', false],
    ['==', true],
    ['=', true],
  ] as const) {
    const i = term.indexOf(op);
    if (i > 0) return { field: term.slice(0, i).trim(), value: unescape(term.slice(i + op.length)), equal };
  }
  throw badRequest(`invalid selector: '${term}'; can't understand '${term}'`);
}

/** Parses a fieldSelector query value for a resource; unknown fields answer 400 as the real server. */
export function parseFieldSelector(text: string | null | undefined, info: ResourceInfo): FieldSelector {
  if (!text || !text.trim()) return { matches: () => true, empty: true };
  const { fields, custom } = supported(info);
  const reqs = splitTerms(text).map(parseTerm);
  const getters = reqs.map((r) => {
    const g = fields[r.field];
    if (!g) {
      throw badRequest(
        custom
          ? `field label not supported: ${r.field}`
          : `"${r.field}" is not a known field selector: only "metadata.name", "metadata.namespace"`,
      );
    }
    return g;
  });
  const name = reqs.find((r) => r.field === 'metadata.name' && r.equal)?.value;
  return {
    empty: false,
    name,
    matches: (o) => reqs.every((r, i) => (getters[i](o) === r.value) === r.equal),
  };
}
