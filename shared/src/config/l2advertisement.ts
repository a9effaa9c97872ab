/**
 * L2Advertisement objects into one validated, immutable value, as the controller does for pools: a bad object is
 * left out whole and named with its field, so one typo cannot make a speaker announce from the wrong nodes.
 * MetalLB's meaning: no pools and no pool selectors = every pool; no node selectors = every node; no interfaces =
 * every interface with an address in the announced IP's subnet.
 */
import { parseSelector } from './parse-selector';
import { isRecord, jsonType } from './raw';
import type { ConfigError, L2Advertisement, LabelSelector } from './types';

export const L2_KIND = 'L2Advertisement';

export interface L2Config {
  /** Sorted by name, so every speaker reads them in one order. */
  readonly advertisements: readonly L2Advertisement[];
  readonly errors: readonly ConfigError[];
}

function strings(raw: unknown, field: string, errors: string[][]): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    errors.push([field, `must be a list of strings, got ${jsonType(raw)}`]);
    return [];
  }
  const out: string[] = [];
  raw.forEach((v: unknown, i) => {
    if (typeof v === 'string' && v !== '') out.push(v);
    else errors.push([`${field}[${i}]`, `must be a non-empty string, got ${JSON.stringify(v) ?? jsonType(v)}`]);
  });
  return out;
}

function selectors(raw: unknown, field: string, errors: string[][]): LabelSelector[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    errors.push([field, `must be a list of label selectors, got ${jsonType(raw)}`]);
    return [];
  }
  const out: LabelSelector[] = [];
  raw.forEach((v: unknown, i) => {
    const r = parseSelector(v, `${field}[${i}]`);
    for (const p of r.problems) errors.push([p.field, p.message]);
    if (r.selector) out.push(r.selector);
  });
  return out;
}

export function parseL2Advertisements(items: readonly unknown[]): L2Config {
  const advertisements: L2Advertisement[] = [];
  const errors: ConfigError[] = [];
  items.forEach((raw, index) => {
    const meta = isRecord(raw) && isRecord(raw.metadata) ? raw.metadata : {};
    const name = typeof meta.name === 'string' ? meta.name : '';
    const ns = typeof meta.namespace === 'string' ? meta.namespace : '';
    const object = name ? `${L2_KIND} ${ns ? `${ns}/` : ''}${name}` : `${L2_KIND} items[${index}]`;
    if (!isRecord(raw)) {
      errors.push({ object, field: '', message: `must be an ${L2_KIND} object, got ${jsonType(raw)}` });
      return;
    }
    const spec = raw.spec === undefined || raw.spec === null ? {} : raw.spec;
    const problems: string[][] = [];
    if (!isRecord(spec)) problems.push(['spec', `must be an object, got ${jsonType(spec)}`]);
    const s = isRecord(spec) ? spec : {};
    const adv: L2Advertisement = Object.freeze({
      name,
      ipAddressPools: Object.freeze(strings(s.ipAddressPools, 'spec.ipAddressPools', problems)),
      ipAddressPoolSelectors: Object.freeze(
        selectors(s.ipAddressPoolSelectors, 'spec.ipAddressPoolSelectors', problems),
      ),
      nodeSelectors: Object.freeze(selectors(s.nodeSelectors, 'spec.nodeSelectors', problems)),
      interfaces: Object.freeze(strings(s.interfaces, 'spec.interfaces', problems)),
    });
    if (problems.length > 0) for (const [field, message] of problems) errors.push({ object, field, message });
    else advertisements.push(adv);
  });
  advertisements.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { advertisements: Object.freeze(advertisements), errors };
}
