import * as fs from 'fs';
import * as path from 'path';
import type { Json, JsonObject } from '../types';
import { CONFORMANCE_DIR } from './conformance-fixtures';
import { FieldSet, comparePE, keyPE, pathString, valuePE } from './fieldpath';

/** Every fieldsV1 the real server returned in the recorded answers. */
function recordedFieldsV1(): [string, JsonObject][] {
  const out: [string, JsonObject][] = [];
  for (const f of fs.readdirSync(CONFORMANCE_DIR).sort()) {
    const body = (JSON.parse(fs.readFileSync(path.join(CONFORMANCE_DIR, f), 'utf8')) as { response: { body: Json } })
      .response.body as JsonObject | null;
    const mf = ((body?.metadata as JsonObject | undefined)?.managedFields ?? []) as JsonObject[];
    mf.forEach((e, i) => out.push([`${f}#${i}`, e.fieldsV1 as JsonObject]));
  }
  return out;
}

describe('FieldSet', () => {
  it.each(recordedFieldsV1())('round-trips %s byte for byte', (_id, v1) => {
    expect(JSON.stringify(FieldSet.fromFieldsV1(v1).toFieldsV1())).toBe(JSON.stringify(v1));
  });

  it('marks a path that is both owned and a parent with "."', () => {
    const s = FieldSet.of(['f:spec', 'f:ports', 'k:{"port":80}'], ['f:spec', 'f:ports', 'k:{"port":80}', 'f:name']);
    expect(s.toFieldsV1()).toEqual({ 'f:spec': { 'f:ports': { 'k:{"port":80}': { '.': {}, 'f:name': {} } } } });
  });

  it('does set algebra on exact paths', () => {
    const a = FieldSet.of(['f:a'], ['f:b', 'f:c'], ['f:b', 'f:d']);
    const b = FieldSet.of(['f:b', 'f:c'], ['f:e']);
    expect(a.union(b).paths()).toEqual([['f:a'], ['f:e'], ['f:b', 'f:c'], ['f:b', 'f:d']]);
    expect(a.difference(b).paths()).toEqual([['f:a'], ['f:b', 'f:d']]);
    expect(a.intersection(b).paths()).toEqual([['f:b', 'f:c']]);
    expect(a.recursiveDifference(FieldSet.of(['f:b'])).paths()).toEqual([['f:a']]);
    expect(a.difference(FieldSet.of(['f:b'])).paths()).toEqual(a.paths());
    expect(a.has(['f:b', 'f:c'])).toBe(true);
    expect(a.has(['f:b'])).toBe(false);
    expect(a.withPrefix(['f:b']).paths()).toEqual([
      ['f:b', 'f:c'],
      ['f:b', 'f:d'],
    ]);
    expect(new FieldSet().isEmpty()).toBe(true);
    expect(a.equals(a.clone())).toBe(true);
  });
});

describe('path elements', () => {
  it('serialise keys sorted by name, values as compact JSON', () => {
    expect(keyPE({ protocol: 'TCP', port: 80 })).toBe('k:{"port":80,"protocol":"TCP"}');
    expect(valuePE('example.com/x')).toBe('v:"example.com/x"');
  });

  it('sort fields, then keys, then values, then indexes', () => {
    const pes = [
      'i:1',
      'v:"a"',
      'k:{"port":9610,"protocol":"UDP"}',
      'f:b',
      'k:{"port":8085,"protocol":"TCP"}',
      'f:a',
      'k:{"port":9610,"protocol":"TCP"}',
      'i:0',
    ];
    expect(pes.sort(comparePE)).toEqual([
      'f:a',
      'f:b',
      'k:{"port":8085,"protocol":"TCP"}',
      'k:{"port":9610,"protocol":"TCP"}',
      'k:{"port":9610,"protocol":"UDP"}',
      'v:"a"',
      'i:0',
      'i:1',
    ]);
    expect(['k:{"port":10}', 'k:{"port":9}'].sort(comparePE)).toEqual(['k:{"port":9}', 'k:{"port":10}']);
  });

  it.each([
    [['f:spec', 'f:loadBalancerIP'], '.spec.loadBalancerIP'],
    [['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}', 'f:name'], '.spec.ports[port=80,protocol="TCP"].name'],
    [['f:metadata', 'f:finalizers', 'v:"a"'], '.metadata.finalizers[="a"]'],
    [['f:spec', 'f:x', 'i:2'], '.spec.x[2]'],
  ])('%j prints as %s', (p, want) => expect(pathString(p)).toBe(want));
});
