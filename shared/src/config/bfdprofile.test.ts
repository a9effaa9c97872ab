import { parseBFDProfiles } from './bfdprofile';
import type { BFDProfile, ConfigError } from './types';
import { ironlbObject, NS } from './testObjects';

const profile = ironlbObject('BFDProfile');

const defaults = (name: string): BFDProfile => ({
  name,
  receiveIntervalMs: 300,
  transmitIntervalMs: 300,
  detectMultiplier: 3,
  echoIntervalMs: 50,
  echoMode: false,
  passiveMode: false,
  minimumTtl: 254,
});

const loaded = (items: unknown[]): BFDProfile[] => [...parseBFDProfiles(items).loaded.values()].map((l) => l.value);

describe('parseBFDProfiles: profiles that load', () => {
  it.each<[string, unknown, BFDProfile]>([
    ['no spec: every default (MetalLB and FRR bfdd: 300, 300, 3, 50, off, off, 254)', undefined, defaults('p')],
    ['spec null, fields null: defaults', { receiveInterval: null, echoMode: null }, defaults('p')],
    [
      'every field given',
      {
        receiveInterval: 100,
        transmitInterval: 200,
        detectMultiplier: 5,
        echoInterval: 20,
        echoMode: true,
        passiveMode: true,
        minimumTtl: 250,
      },
      {
        name: 'p',
        receiveIntervalMs: 100,
        transmitIntervalMs: 200,
        detectMultiplier: 5,
        echoIntervalMs: 20,
        echoMode: true,
        passiveMode: true,
        minimumTtl: 250,
      },
    ],
    [
      'the lowest bounds',
      { receiveInterval: 10, transmitInterval: 10, detectMultiplier: 2, echoInterval: 10, minimumTtl: 1 },
      {
        ...defaults('p'),
        receiveIntervalMs: 10,
        transmitIntervalMs: 10,
        detectMultiplier: 2,
        echoIntervalMs: 10,
        minimumTtl: 1,
      },
    ],
    [
      'the highest bounds',
      { receiveInterval: 60000, transmitInterval: 60000, detectMultiplier: 255, echoInterval: 60000, minimumTtl: 254 },
      {
        ...defaults('p'),
        receiveIntervalMs: 60000,
        transmitIntervalMs: 60000,
        detectMultiplier: 255,
        echoIntervalMs: 60000,
        minimumTtl: 254,
      },
    ],
  ])('%s', (_name, spec, expected) => {
    const r = parseBFDProfiles([profile('p', spec)]);
    expect(r.errors).toEqual([]);
    expect([...r.loaded.values()]).toEqual([{ value: expected, object: `BFDProfile ${NS}/p` }]);
    expect(Object.isFrozen(r.loaded.get('p')?.value)).toBe(true);
  });
});

describe('parseBFDProfiles: a profile with errors is left out whole, named with its field', () => {
  const bad = `BFDProfile ${NS}/bad`;
  it.each<[string, unknown, [string, string][]]>([
    [
      'receiveInterval under 10',
      { receiveInterval: 9 },
      [['spec.receiveInterval', 'must be from 10 to 60000 (milliseconds), got 9']],
    ],
    [
      'transmitInterval over 60000',
      { transmitInterval: 60001 },
      [['spec.transmitInterval', 'must be from 10 to 60000 (milliseconds), got 60001']],
    ],
    ['detectMultiplier 1', { detectMultiplier: 1 }, [['spec.detectMultiplier', 'must be from 2 to 255, got 1']]],
    ['detectMultiplier 256', { detectMultiplier: 256 }, [['spec.detectMultiplier', 'must be from 2 to 255, got 256']]],
    ['echoInterval 0', { echoInterval: 0 }, [['spec.echoInterval', 'must be from 10 to 60000 (milliseconds), got 0']]],
    ['minimumTtl 0', { minimumTtl: 0 }, [['spec.minimumTtl', 'must be from 1 to 254, got 0']]],
    ['minimumTtl 255', { minimumTtl: 255 }, [['spec.minimumTtl', 'must be from 1 to 254, got 255']]],
    [
      'an interval as a string',
      { receiveInterval: '300' },
      [['spec.receiveInterval', 'must be an integer, got string']],
    ],
    [
      'a fractional interval',
      { transmitInterval: 300.5 },
      [['spec.transmitInterval', 'must be an integer, got 300.5']],
    ],
    ['a negative multiplier', { detectMultiplier: -3 }, [['spec.detectMultiplier', 'must be from 2 to 255, got -3']]],
    ['echoMode a string', { echoMode: 'true' }, [['spec.echoMode', 'must be true or false, got string']]],
    ['passiveMode a number', { passiveMode: 1 }, [['spec.passiveMode', 'must be true or false, got integer']]],
    [
      'every bad field at once',
      { receiveInterval: 1, minimumTtl: 'x', echoMode: [] },
      [
        ['spec.receiveInterval', 'must be from 10 to 60000 (milliseconds), got 1'],
        ['spec.echoMode', 'must be true or false, got array'],
        ['spec.minimumTtl', 'must be an integer, got string'],
      ],
    ],
    ['spec a list', [], [['spec', 'must be an object, got array']]],
  ])('%s', (_name, spec, expected) => {
    const r = parseBFDProfiles([profile('bad', spec), profile('ok', {})]);
    expect([...r.loaded.keys()]).toEqual(['ok']);
    expect(r.refused).toEqual(new Map([['bad', bad]]));
    expect(r.errors).toEqual(expected.map(([field, message]): ConfigError => ({ object: bad, field, message })));
  });

  it('names an object without a name by its place, and another kind by what it is', () => {
    const r = parseBFDProfiles([{ spec: {} }, profile('x', {}, { kind: 'BGPPeer' }), 7]);
    expect(r.loaded.size).toBe(0);
    expect(r.errors).toEqual([
      { object: `BFDProfile ${NS}/x`, field: 'kind', message: 'must be BFDProfile, got "BGPPeer"' },
      { object: 'BFDProfile items[0]', field: 'metadata', message: 'must be an object, got undefined' },
      { object: 'BFDProfile items[2]', field: '', message: 'must be a BFDProfile object, got integer' },
    ]);
  });

  it('loads one profile per name, the first by namespace, whatever the order', () => {
    const a = { ...profile('fast', { detectMultiplier: 2 }), metadata: { name: 'fast', namespace: 'a' } };
    const b = { ...profile('fast', {}), metadata: { name: 'fast', namespace: 'b' } };
    for (const items of [
      [a, b],
      [b, a],
    ]) {
      const r = parseBFDProfiles(items);
      expect(loaded(items)).toEqual([{ ...defaults('fast'), detectMultiplier: 2 }]);
      expect(r.errors).toEqual([
        {
          object: 'BFDProfile b/fast',
          field: 'metadata.name',
          message:
            'BFDProfile a/fast has the same name and is loaded; BGPPeers name BFD profiles by name alone, so this one is not',
        },
      ]);
    }
  });

  it('sorts the profiles by name', () => {
    expect(loaded([profile('b', {}), profile('c', {}), profile('a', {})]).map((p) => p.name)).toEqual(['a', 'b', 'c']);
  });
});
