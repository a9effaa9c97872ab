import { BROADCAST_MAC, formatMac, isMulticastMac, parseMac, ZERO_MAC } from './mac';

test('parseMac and formatMac: colon form, either case in, lowercase out', () => {
  const m = parseMac('02:1B:1b:01:01:00');
  expect(m).toEqual(Buffer.from([2, 0x1b, 0x1b, 1, 1, 0]));
  expect(formatMac(m ?? Buffer.alloc(0))).toBe('02:1b:1b:01:01:00');
  expect(formatMac(Buffer.from('ffff021b1b030000', 'hex'), 2)).toBe('02:1b:1b:03:00:00');
  expect(formatMac(BROADCAST_MAC)).toBe('ff:ff:ff:ff:ff:ff');
  expect(formatMac(ZERO_MAC)).toBe('00:00:00:00:00:00');
});

test.each([
  '',
  '02:1b:1b:01:01',
  '02:1b:1b:01:01:00:00',
  '02-1b-1b-01-01-00',
  '021b.1b01.0100',
  '2:1b:1b:1:1:0',
  'g2:1b:1b:01:01:00',
])('parseMac refuses %p', (text) => expect(parseMac(text)).toBeUndefined());

test('formatMac throws when 6 bytes are not there (a caller bug, not wire input)', () => {
  expect(() => formatMac(Buffer.alloc(5))).toThrow(new RangeError('formatMac: need 6 bytes at 0'));
  expect(() => formatMac(Buffer.alloc(6), 1)).toThrow(new RangeError('formatMac: need 6 bytes at 1'));
  expect(() => formatMac(Buffer.alloc(6), -1)).toThrow(new RangeError('formatMac: need 6 bytes at -1'));
});

test('isMulticastMac: the group bit', () => {
  expect(isMulticastMac(BROADCAST_MAC)).toBe(true);
  expect(isMulticastMac(Buffer.from('333300000001', 'hex'))).toBe(true);
  expect(isMulticastMac(Buffer.from('021b1b010100', 'hex'))).toBe(false);
});
