import { parseSelector } from './parse-selector';
import { matchesSelector, selectionsDisjoint } from './selector';
import type { LabelSelector } from './types';

const sel = (raw: unknown): LabelSelector => {
  const r = parseSelector(raw, 's');
  if (!r.selector) throw new Error(JSON.stringify(r.problems));
  return r.selector;
};

describe('matchesSelector: Kubernetes semantics', () => {
  const web = { app: 'web', tier: 'front' };
  it.each<[string, unknown, Record<string, string>, boolean]>([
    ['the empty selector matches everything', {}, web, true],
    ['the empty selector matches no labels', {}, {}, true],
    ['matchLabels: equal', { matchLabels: { app: 'web' } }, web, true],
    ['matchLabels: every pair must hold', { matchLabels: { app: 'web', tier: 'back' } }, web, false],
    ['matchLabels: missing key', { matchLabels: { zone: 'a' } }, web, false],
    ['matchLabels: empty value matches an empty label only', { matchLabels: { app: '' } }, { app: '' }, true],
    ['matchLabels: empty value needs the key', { matchLabels: { app: '' } }, {}, false],
    ['In: value listed', { matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'web'] }] }, web, true],
    ['In: value not listed', { matchExpressions: [{ key: 'app', operator: 'In', values: ['db'] }] }, web, false],
    ['In: key missing', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, web, false],
    ['NotIn: value listed', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, web, false],
    ['NotIn: value not listed', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['db'] }] }, web, true],
    [
      'NotIn: key missing matches',
      { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] },
      web,
      true,
    ],
    ['Exists: present', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, web, true],
    ['Exists: absent', { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, web, false],
    ['DoesNotExist: absent', { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, web, true],
    ['DoesNotExist: present', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, web, false],
    [
      'labels and expressions are ANDed',
      { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] },
      web,
      false,
    ],
    [
      'every expression must hold',
      {
        matchExpressions: [
          { key: 'app', operator: 'Exists' },
          { key: 'tier', operator: 'NotIn', values: ['back'] },
        ],
      },
      web,
      true,
    ],
    ['a prototype name is not a label', { matchExpressions: [{ key: 'constructor', operator: 'Exists' }] }, {}, false],
    ['a prototype name is not a label (matchLabels)', { matchLabels: { toString: 'x' } }, {}, false],
    ['prefixed keys', { matchLabels: { 'example.com/tier': 'front' } }, { 'example.com/tier': 'front' }, true],
  ])('%s', (_name, raw, labels, expected) => {
    expect(matchesSelector(sel(raw), labels)).toBe(expected);
  });
});

describe('parseSelector', () => {
  it('keeps what it was given, frozen', () => {
    const s = sel({
      matchLabels: { b: '2', a: '1' },
      matchExpressions: [{ key: 'x', operator: 'In', values: ['1', '2'] }],
      ignored: true,
    });
    expect(s).toEqual({
      matchLabels: { a: '1', b: '2' },
      matchExpressions: [{ key: 'x', operator: 'In', values: ['1', '2'] }],
    });
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.matchLabels)).toBe(true);
    expect(Object.isFrozen(s.matchExpressions[0].values)).toBe(true);
  });

  it('treats null lists like absent ones, as the API server does', () => {
    expect(sel({ matchLabels: null, matchExpressions: null })).toEqual({ matchLabels: {}, matchExpressions: [] });
    expect(sel({ matchExpressions: [{ key: 'x', operator: 'Exists', values: null }] }).matchExpressions).toHaveLength(
      1,
    );
  });

  it.each<[string, unknown, string, string]>([
    ['null', null, 's', 'must be a label selector (matchLabels, matchExpressions), got null'],
    ['a string', 'app=web', 's', 'got string'],
    ['a list', [], 's', 'got array'],
    [
      'matchLabels a list',
      { matchLabels: ['a'] },
      's.matchLabels',
      'must be an object of label keys to values, got array',
    ],
    ['a number value', { matchLabels: { app: 1 } }, 's.matchLabels.app', 'must be a string, got integer'],
    ['a bad key', { matchLabels: { 'a b': 'x' } }, 's.matchLabels', 'invalid label key "a b"'],
    ['a key with two slashes', { matchLabels: { 'a/b/c': 'x' } }, 's.matchLabels', 'invalid label key "a/b/c"'],
    ['an empty prefix', { matchLabels: { '/b': 'x' } }, 's.matchLabels', 'prefix part must be non-empty'],
    ['a long value', { matchLabels: { a: 'x'.repeat(64) } }, 's.matchLabels.a', 'must be no more than 63 characters'],
    ['a bad value', { matchLabels: { a: '-x' } }, 's.matchLabels.a', 'invalid label value "-x"'],
    ['expressions not a list', { matchExpressions: {} }, 's.matchExpressions', 'must be a list, got object'],
    ['an expression not an object', { matchExpressions: [7] }, 's.matchExpressions[0]', 'got integer'],
    [
      'an unknown operator',
      { matchExpressions: [{ key: 'a', operator: 'in', values: ['x'] }] },
      's.matchExpressions[0].operator',
      'must be one of In, NotIn, Exists, DoesNotExist, got "in"',
    ],
    ['no operator', { matchExpressions: [{ key: 'a' }] }, 's.matchExpressions[0].operator', 'is required'],
    [
      'In without values',
      { matchExpressions: [{ key: 'a', operator: 'In' }] },
      's.matchExpressions[0].values',
      'must be specified when operator is In',
    ],
    [
      'NotIn with an empty list',
      { matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] },
      's.matchExpressions[0].values',
      'must be specified when operator is NotIn',
    ],
    [
      'Exists with values',
      { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      's.matchExpressions[0].values',
      'may not be specified when operator is Exists',
    ],
    [
      'a key that is not a string',
      { matchExpressions: [{ key: 5, operator: 'Exists' }] },
      's.matchExpressions[0].key',
      'must be a string, got integer',
    ],
    [
      'values not a list',
      { matchExpressions: [{ key: 'a', operator: 'In', values: 'x' }] },
      's.matchExpressions[0].values',
      'must be a list of strings, got string',
    ],
    [
      'a value not a string',
      { matchExpressions: [{ key: 'a', operator: 'In', values: ['x', false] }] },
      's.matchExpressions[0].values[1]',
      'must be a string, got boolean',
    ],
  ])('refuses %s', (_name, raw, field, message) => {
    const r = parseSelector(raw, 's');
    expect(r.selector).toBeUndefined();
    expect(r.problems).toContainEqual({ field, message: expect.stringContaining(message) as unknown });
  });
});

describe('selectionsDisjoint: can no node match both lists, whatever nodes exist', () => {
  const l = (...raws: unknown[]): LabelSelector[] => raws.map(sel);
  const expr = (key: string, operator: string, values?: string[]): unknown => ({
    matchExpressions: [{ key, operator, ...(values ? { values } : {}) }],
  });
  it.each<[string, LabelSelector[], LabelSelector[], boolean]>([
    ['two empty lists: every node, twice', [], [], false],
    ['an empty list overlaps any satisfiable selector', [], l({ matchLabels: { rack: '1' } }), false],
    ['the same label', l({ matchLabels: { rack: '1' } }), l({ matchLabels: { rack: '1' } }), false],
    ['one key, two values', l({ matchLabels: { rack: '1' } }), l({ matchLabels: { rack: '2' } }), true],
    [
      'different keys: one node may carry both',
      l({ matchLabels: { rack: '1' } }),
      l({ matchLabels: { zone: 'a' } }),
      false,
    ],
    ['In with no common value', l(expr('rack', 'In', ['1', '2'])), l(expr('rack', 'In', ['3'])), true],
    ['In with a common value', l(expr('rack', 'In', ['1', '2'])), l(expr('rack', 'In', ['2', '3'])), false],
    ['matchLabels against NotIn of it', l({ matchLabels: { rack: '1' } }), l(expr('rack', 'NotIn', ['1'])), true],
    [
      'In against a NotIn of every value',
      l(expr('rack', 'In', ['1', '2'])),
      l(expr('rack', 'NotIn', ['2', '1'])),
      true,
    ],
    ['In against a NotIn of some values', l(expr('rack', 'In', ['1', '2'])), l(expr('rack', 'NotIn', ['1'])), false],
    [
      'NotIn against NotIn: another value, or no label',
      l(expr('rack', 'NotIn', ['1'])),
      l(expr('rack', 'NotIn', ['2'])),
      false,
    ],
    ['Exists against DoesNotExist', l(expr('edge', 'Exists')), l(expr('edge', 'DoesNotExist')), true],
    ['a value against DoesNotExist', l({ matchLabels: { edge: 'true' } }), l(expr('edge', 'DoesNotExist')), true],
    [
      'NotIn against DoesNotExist: a node without the label',
      l(expr('edge', 'NotIn', ['x'])),
      l(expr('edge', 'DoesNotExist')),
      false,
    ],
    ['Exists against In', l(expr('edge', 'Exists')), l(expr('edge', 'In', ['x'])), false],
    [
      'lists: disjoint only when every pair is',
      l({ matchLabels: { rack: '1' } }, { matchLabels: { rack: '2' } }),
      l({ matchLabels: { rack: '3' } }, { matchLabels: { rack: '2' } }),
      false,
    ],
    [
      'lists: every pair disjoint',
      l({ matchLabels: { rack: '1' } }, { matchLabels: { rack: '2' } }),
      l({ matchLabels: { rack: '3' } }, expr('rack', 'DoesNotExist')),
      true,
    ],
    [
      'a selector that contradicts itself matches nothing, so nothing overlaps it',
      l({ matchLabels: { rack: '1' }, matchExpressions: [{ key: 'rack', operator: 'NotIn', values: ['1'] }] }),
      [],
      true,
    ],
    [
      'a key named like a prototype property',
      l(expr('constructor', 'Exists')),
      l(expr('constructor', 'DoesNotExist')),
      true,
    ],
  ])('%s', (_name, a, b, disjoint) => {
    expect(selectionsDisjoint(a, b)).toBe(disjoint);
    expect(selectionsDisjoint(b, a)).toBe(disjoint);
  });
});
