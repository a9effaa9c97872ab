import { mustParseIP } from '../ip/ip';
import { coversNode, coversPeer, coversPool, poolOf } from './lookup';
import { parseConfig } from './parse';

const ip = mustParseIP;

const { config } = parseConfig({
  ipAddressPools: [
    { metadata: { name: 'a', labels: { zone: 'x' } }, spec: { addresses: ['198.51.100.0/25', '2001:db8::/64'] } },
    { metadata: { name: 'b' }, spec: { addresses: ['198.51.100.128-198.51.100.130'] } },
  ],
});
const pool = (name: string) => {
  const p = config.pools.get(name);
  if (!p) throw new Error(name);
  return p;
};
const adv = (over: object = {}) => ({ ipAddressPools: [], ipAddressPoolSelectors: [], nodeSelectors: [], ...over });

describe('poolOf', () => {
  it.each([
    ['198.51.100.0', 'a'],
    ['198.51.100.127', 'a'],
    ['198.51.100.128', 'b'],
    ['198.51.100.130', 'b'],
    ['198.51.100.131', undefined],
    ['2001:db8::ffff', 'a'],
    ['2001:db8:1::', undefined],
    ['::ffff:198.51.100.1', undefined],
  ])('%s is in %s', (text, name) => {
    expect(poolOf(config, ip(text))?.name).toBe(name);
  });
});

describe('coversPool and coversNode', () => {
  it('an advertisement without pools or selectors covers every pool and node', () => {
    expect(coversPool(adv(), pool('a'))).toBe(true);
    expect(coversPool(adv(), pool('b'))).toBe(true);
    expect(coversNode(adv(), {})).toBe(true);
  });

  it('names or selects pools; either is enough', () => {
    const zone = { matchLabels: { zone: 'x' }, matchExpressions: [] };
    expect(coversPool(adv({ ipAddressPools: ['b'] }), pool('a'))).toBe(false);
    expect(coversPool(adv({ ipAddressPools: ['b'] }), pool('b'))).toBe(true);
    expect(coversPool(adv({ ipAddressPoolSelectors: [zone] }), pool('a'))).toBe(true);
    expect(coversPool(adv({ ipAddressPoolSelectors: [zone] }), pool('b'))).toBe(false);
    expect(coversPool(adv({ ipAddressPools: ['b'], ipAddressPoolSelectors: [zone] }), pool('a'))).toBe(true);
  });

  it('selects nodes by label, any selector matching', () => {
    const edge = { matchLabels: { role: 'edge' }, matchExpressions: [] };
    const core = { matchLabels: { role: 'core' }, matchExpressions: [] };
    expect(coversNode(adv({ nodeSelectors: [edge] }), { role: 'edge' })).toBe(true);
    expect(coversNode(adv({ nodeSelectors: [edge] }), { role: 'core' })).toBe(false);
    expect(coversNode(adv({ nodeSelectors: [edge, core] }), { role: 'core' })).toBe(true);
  });
});

describe('coversPeer', () => {
  it('an advertisement without peers announces to every peer; with some, to those named', () => {
    expect(coversPeer({ peers: [] }, { name: 'tor-a' })).toBe(true);
    expect(coversPeer({ peers: ['tor-a'] }, { name: 'tor-a' })).toBe(true);
    expect(coversPeer({ peers: ['tor-a'] }, { name: 'tor-b' })).toBe(false);
  });
});
