import { labHostOfNetns, randomTestPrefix, validatePrefix } from './names';

describe('names', () => {
  test('prefixes are short lowercase words without dashes', () => {
    expect(validatePrefix('ilb')).toBe('ilb');
    for (const bad of ['', 'ILB', 'ilb-x', '1lb', 'a'.repeat(13), 'i b']) expect(() => validatePrefix(bad)).toThrow();
    expect(validatePrefix(randomTestPrefix())).toMatch(/^ilbt[a-z0-9]{6}$/);
  });

  test("a prefix's sweep matches only its own lab namespaces", () => {
    expect(labHostOfNetns('ilb', 'ilb-node1')).toBe('node1');
    expect(labHostOfNetns('ilb', 'ilb-sw')).toBe('sw');
    expect(labHostOfNetns('ilb', 'ilbt123abc-node1')).toBeUndefined();
    expect(labHostOfNetns('ilb', 'ilb-mything')).toBeUndefined();
    expect(labHostOfNetns('ilb', 'other')).toBeUndefined();
  });
});
