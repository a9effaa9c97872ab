import { compareMasked } from './masked';

describe('compareMasked', () => {
  it.each([
    ['equal scalars', { a: 1 }, { a: 1 }, 0],
    ['different scalars', { a: 1 }, { a: 2 }, 1],
    ['missing key', { a: 1, b: 2 }, { a: 1 }, 1],
    ['extra key', { a: 1 }, { a: 1, b: 2 }, 1],
    ['placeholder binds', { a: '<uid:1>' }, { a: 'x' }, 0],
    ['same placeholder, same value', { a: '<nodePort:1>', b: '<nodePort:1>' }, { a: 30001, b: 30001 }, 0],
    ['same placeholder, different values', { a: '<nodePort:1>', b: '<nodePort:1>' }, { a: 30001, b: 30002 }, 1],
    ['time accepts RFC 3339', { t: '<time>' }, { t: '2026-11-23T04:00:00Z' }, 0],
    ['time refuses other strings', { t: '<time>' }, { t: 'yesterday' }, 1],
    ['array lengths', [1, 2], [1], 1],
  ])('%s', (_name, expected, actual, count) => {
    expect(compareMasked(expected, actual, new Map())).toHaveLength(count);
  });

  it('ignores a known difference by path pattern', () => {
    const diffs = compareMasked(
      { status: { ingress: [{ ip: '1.2.3.4' }] } },
      { status: { ingress: [{ ip: '1.2.3.4', ipMode: 'VIP' }] } },
      new Map(),
      [{ path: 'status.ingress[*].ipMode', why: '1.35 keeps ipMode' }],
    );
    expect(diffs).toEqual([]);
  });

  it('holds a known difference to the value 1.35 answers when one is given', () => {
    const known = [{ path: 'status.ingress[*].ipMode', why: '1.35 defaults ipMode', expected: 'VIP' }];
    const expected = { status: { ingress: [{ ip: '1.2.3.4' }] } };
    expect(
      compareMasked(expected, { status: { ingress: [{ ip: '1.2.3.4', ipMode: 'VIP' }] } }, new Map(), known),
    ).toEqual([]);
    expect(
      compareMasked(expected, { status: { ingress: [{ ip: '1.2.3.4', ipMode: 'Proxy' }] } }, new Map(), known),
    ).toHaveLength(1);
    expect(compareMasked(expected, expected, new Map(), known)).toHaveLength(1);
  });

  it('holds a changed value to the 1.35 one', () => {
    const known = [{ path: 'message', why: '1.35 wording', expected: 'new' }];
    expect(compareMasked({ message: 'old' }, { message: 'new' }, new Map(), known)).toEqual([]);
    expect(compareMasked({ message: 'old' }, { message: 'old' }, new Map(), known)).toHaveLength(1);
  });
});
