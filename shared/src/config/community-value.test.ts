import { compareCommunities, formatCommunity, looksNumeric, parseCommunityValue } from './community-value';
import type { CommunityValue } from './types';

const std = (a: number, b: number): CommunityValue => ({ kind: 'standard', value: a * 65536 + b });
const large = (global: number, local1: number, local2: number): CommunityValue => ({
  kind: 'large',
  global,
  local1,
  local2,
});

describe('parseCommunityValue: what loads', () => {
  it.each<[string, CommunityValue, string]>([
    ['65535:65281', std(65535, 65281), '65535:65281'],
    ['0:0', std(0, 0), '0:0'],
    ['64512:100', std(64512, 100), '64512:100'],
    // Leading zeros, as MetalLB (Go's ParseUint) reads them.
    ['007:010', std(7, 10), '7:10'],
    ['large:64512:1:2', large(64512, 1, 2), 'large:64512:1:2'],
    [
      'large:4294967295:4294967295:4294967295',
      large(4294967295, 4294967295, 4294967295),
      'large:4294967295:4294967295:4294967295',
    ],
    ['large:0:0:0', large(0, 0, 0), 'large:0:0:0'],
    ['graceful-shutdown', std(65535, 0), '65535:0'],
    ['accept-own', std(65535, 1), '65535:1'],
    ['llgr-stale', std(65535, 6), '65535:6'],
    ['no-llgr', std(65535, 7), '65535:7'],
    ['blackhole', std(65535, 666), '65535:666'],
    ['no-export', std(65535, 65281), '65535:65281'],
    ['no-advertise', std(65535, 65282), '65535:65282'],
    ['no-export-subconfed', std(65535, 65283), '65535:65283'],
    ['local-as', std(65535, 65283), '65535:65283'],
    ['no-peer', std(65535, 65284), '65535:65284'],
  ])('%s', (text, value, canonical) => {
    const r = parseCommunityValue(text);
    expect(r).toEqual({ value });
    if (!('value' in r)) return;
    expect(Object.isFrozen(r.value)).toBe(true);
    expect(formatCommunity(r.value)).toBe(canonical);
    expect(parseCommunityValue(canonical)).toEqual({ value });
  });
});

describe('parseCommunityValue: what is refused, and why', () => {
  it.each<[string, string]>([
    [
      '65536:1',
      'invalid community "65536:1": 65536 is out of range; each part of a standard community is from 0 to 65535',
    ],
    [
      '1:65536',
      'invalid community "1:65536": 65536 is out of range; each part of a standard community is from 0 to 65535',
    ],
    [
      'large:4294967296:1:2',
      'invalid community "large:4294967296:1:2": 4294967296 is out of range; each part of a large community is from 0 to 4294967295',
    ],
    [
      'large:1:2:99999999999999999999',
      'invalid community "large:1:2:99999999999999999999": 99999999999999999999 is out of range; each part of a large community is from 0 to 4294967295',
    ],
    ['-1:2', 'invalid community "-1:2": "-1" is not a decimal number; expected a:b'],
    ['1:', 'invalid community "1:": "" is not a decimal number'],
    [' 1:2', 'invalid community " 1:2": " 1" is not a decimal number'],
    ['0x10:1', '"0x10" is not a decimal number'],
    ['1.5:2', '"1.5" is not a decimal number'],
    ['large:1:x:3', 'invalid community "large:1:x:3": "x" is not a decimal number'],
    ['large:1:2', 'invalid community "large:1:2": expected a:b with numbers from 0 to 65535 (65535:65281)'],
    ['large:1:2:3:4', 'invalid community "large:1:2:3:4": expected a:b'],
    ['1:2:3', 'invalid community "1:2:3": expected a:b'],
    ['12345', 'invalid community "12345": expected a:b'],
    ['', 'invalid community "": expected a:b'],
    ['NO_EXPORT', 'or a well-known name (graceful-shutdown, accept-own, llgr-stale, no-llgr, blackhole, no-export,'],
    ['Large:1:2:3', 'invalid community "Large:1:2:3": expected'],
  ])('%j', (text, message) => {
    const r = parseCommunityValue(text);
    expect('error' in r && r.error).toEqual(expect.stringContaining(message));
  });
});

describe('looksNumeric', () => {
  it.each([
    ['65535:65281', true],
    ['large:1:2:3', true],
    ['70000:1', true],
    ['no-export', false],
    ['my-alias', false],
  ])('%s', (text, numeric) => expect(looksNumeric(text)).toBe(numeric));
});

describe('compareCommunities', () => {
  it('orders standard by value, then large by parts', () => {
    const values = [large(1, 0, 0), std(65535, 65281), large(0, 5, 1), std(1, 2), large(0, 5, 0), std(0, 65535)];
    expect([...values].sort(compareCommunities).map(formatCommunity)).toEqual([
      '0:65535',
      '1:2',
      '65535:65281',
      'large:0:5:0',
      'large:0:5:1',
      'large:1:0:0',
    ]);
  });
});
