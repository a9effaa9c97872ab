/**
 * PoolIndex on its own: what auto-assignment asks of it (the lowest free address, the addresses held under a sharing
 * key) after any sequence of holds and releases.
 */
import { PoolIndex } from './poolIndex';
import { ip, pool } from './testFixtures';

const shared = (idx: PoolIndex, key: string): bigint[] => [...idx.sharedAddresses('IPv4', key)];
const [a, b, c] = ['198.51.100.10', '198.51.100.11', '198.51.100.12'].map(ip);

test('the addresses held under a key are listed lowest first, and only while held under it', () => {
  const idx = new PoolIndex(pool('p', ['198.51.100.10-198.51.100.12']));
  idx.add(c, 'k');
  idx.add(a, 'k');
  idx.add(b, 'other');
  expect(shared(idx, 'k')).toEqual([a.value, c.value]);
  expect(shared(idx, 'other')).toEqual([b.value]);
  idx.remove(a, 'k');
  expect(shared(idx, 'k')).toEqual([c.value]);
  idx.remove(c, 'k');
  expect(shared(idx, 'k')).toEqual([]);
  // Held again under the key after its last address left: listed again.
  idx.add(a, 'k');
  expect(shared(idx, 'k')).toEqual([a.value]);
  expect(idx.lowestFree('IPv4')).toBe(c.value);
});

test('an address held without a key is listed under none, not even the key "undefined"', () => {
  const idx = new PoolIndex(pool('p', ['198.51.100.10-198.51.100.12']));
  idx.add(a, undefined);
  expect(shared(idx, 'undefined')).toEqual([]);
  expect(idx.lowestFree('IPv4')).toBe(b.value);
  idx.add(b, 'undefined');
  idx.remove(a, undefined);
  expect(shared(idx, 'undefined')).toEqual([b.value]);
  expect(idx.lowestFree('IPv4')).toBe(a.value);
  // Released without a key, b leaves the pool's held addresses but no key's list, not even that of "undefined".
  idx.remove(b, undefined);
  expect(shared(idx, 'undefined')).toEqual([b.value]);
  expect(idx.lowestFree('IPv4')).toBe(a.value);
  expect(idx.usage('IPv4')).toEqual({ assigned: 0, available: 3n });
});

test('releasing an address never held, or one outside the pool, changes nothing', () => {
  const idx = new PoolIndex(pool('p', ['198.51.100.10-198.51.100.12']));
  idx.add(a, 'k');
  idx.remove(b, 'never-used');
  idx.remove(ip('203.0.113.10'), 'k');
  idx.add(ip('203.0.113.10'), 'k');
  expect(shared(idx, 'k')).toEqual([a.value]);
  expect(shared(idx, 'never-used')).toEqual([]);
  expect(idx.lowestFree('IPv4')).toBe(b.value);
});

test('a pool of many ranges, listed in any order, finds every address in them', () => {
  // 100 single-address ranges in a scrambled order (37 is coprime to 100, so i * 37 % 100 visits every i once).
  const addresses = Array.from({ length: 100 }, (_, i) => `198.51.100.${2 * ((i * 37) % 100) + 1}`);
  const idx = new PoolIndex(pool('p', addresses));
  expect(addresses.filter((addr) => !idx.contains(ip(addr)))).toEqual([]);
  expect(idx.contains(ip('198.51.100.0'))).toBe(false);
  expect(idx.contains(ip('198.51.100.100'))).toBe(false);
});
