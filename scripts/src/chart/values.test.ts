/**
 * charts/ironlb read as files, without helm: the schema refuses unknown keys on every object the chart defines and
 * accepts every default in values.yaml; Chart.yaml says what users install; the CRDs are plain YAML (helm installs
 * crds/ as it is and never templates, upgrades or deletes it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../tools';

const CHART = path.join(repoRoot, 'charts', 'ironlb');

interface Schema {
  type?: string | string[];
  $ref?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  definitions?: Record<string, Schema>;
}

const root = JSON.parse(fs.readFileSync(path.join(CHART, 'values.schema.json'), 'utf8')) as Schema;
const values = parse(fs.readFileSync(path.join(CHART, 'values.yaml'), 'utf8')) as unknown;

const resolve = (s: Schema): Schema => {
  if (!s.$ref) return s;
  const name = s.$ref.replace('#/definitions/', '');
  const target = root.definitions?.[name];
  if (!target) throw new Error(`unresolved ${s.$ref}`);
  return resolve(target);
};

/** Every schema node with its path, following $ref into definitions. */
function nodes(s: Schema, at: string, out: Array<[string, Schema]> = []): Array<[string, Schema]> {
  const r = resolve(s);
  out.push([at, r]);
  for (const [k, v] of Object.entries(r.properties ?? {})) nodes(v, `${at}/${k}`, out);
  if (typeof r.additionalProperties === 'object') nodes(r.additionalProperties, `${at}/*`, out);
  if (r.items) nodes(r.items, `${at}[]`, out);
  return out;
}

const typeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;

/** Where `v` does not fit `s`: unknown keys, wrong types, values outside an enum. */
function misfits(v: unknown, s: Schema, at: string): string[] {
  const r = resolve(s);
  if (r.enum) return r.enum.includes(v) ? [] : [`${at}: ${JSON.stringify(v)} not in the enum`];
  const types = r.type === undefined ? [] : Array.isArray(r.type) ? r.type : [r.type];
  const t = typeOf(v);
  if (types.length && !types.includes(t) && !(t === 'integer' && types.includes('number')))
    return [`${at}: ${t}, not ${types.join('|')}`];
  if (t === 'array') return (v as unknown[]).flatMap((x, i) => (r.items ? misfits(x, r.items, `${at}[${i}]`) : []));
  if (t !== 'object') return [];
  return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => {
    const p = r.properties?.[k];
    if (p) return misfits(x, p, `${at}/${k}`);
    if (typeof r.additionalProperties === 'object') return misfits(x, r.additionalProperties, `${at}/${k}`);
    return r.additionalProperties === false ? [`${at}/${k}: not in the schema`] : [];
  });
}

describe('values.schema.json', () => {
  it('is draft-07', () => {
    expect((root as { $schema?: string }).$schema).toBe('http://json-schema.org/draft-07/schema#');
  });

  it('refuses unknown keys on every object it lists the keys of', () => {
    const open = nodes(root, '')
      .filter(([, s]) => s.properties && s.additionalProperties !== false)
      .map(([at]) => at);
    expect(open).toEqual([]);
  });

  it('accepts every default in values.yaml, and knows every key there', () => {
    expect(misfits(values, root, '')).toEqual([]);
  });

  it('catches a misspelt key, as helm will', () => {
    const typo = { ...(values as object), speaker: { dataplan: 'none' } };
    expect(misfits(typo, root, '')).toEqual(['/speaker/dataplan: not in the schema']);
  });
});

describe('Chart.yaml and crds/', () => {
  it('names the chart and versions it', () => {
    expect(parse(fs.readFileSync(path.join(CHART, 'Chart.yaml'), 'utf8'))).toMatchObject({
      apiVersion: 'v2',
      name: 'ironlb',
      version: '0.1.0',
      appVersion: '0.1.0',
    });
  });

  it('keeps the CRDs as plain YAML, outside templates/', () => {
    const crds = fs.readdirSync(path.join(CHART, 'crds'));
    expect(crds).toHaveLength(8);
    for (const f of crds) expect(fs.readFileSync(path.join(CHART, 'crds', f), 'utf8')).not.toContain('{{');
    const templates = fs.readdirSync(path.join(CHART, 'templates'));
    for (const f of templates)
      expect(fs.readFileSync(path.join(CHART, 'templates', f), 'utf8')).not.toContain('CustomResourceDefinition');
  });
});
