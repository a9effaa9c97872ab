import { freshByClock, observeLease, renewedSince } from './lease';

describe('observeLease', () => {
  it('the first observation and a repeated value are not changes; new values keep the two latest times seen', () => {
    const first = observeLease(undefined, 1_000, 5_000);
    expect(first).toEqual({ renewTime: 1_000, changes: [] });
    expect(observeLease(first, 1_000, 6_000)).toBe(first);
    const one = observeLease(first, 2_000, 6_000);
    expect(one).toEqual({ renewTime: 2_000, changes: [6_000] });
    const three = observeLease(observeLease(one, 3_000, 7_000), 4_000, 8_000);
    expect(three).toEqual({ renewTime: 4_000, changes: [7_000, 8_000] });
  });

  it('one change is not enough to revive; two at or after the death, the last within the duration, are', () => {
    const one = observeLease(observeLease(undefined, 1_000, 5_000), 2_000, 6_000);
    expect(renewedSince(one, 6_000, 6_000, 10_000)).toBe(false);
    const two = observeLease(one, 3_000, 7_000);
    expect(renewedSince(two, 6_000, 7_000, 10_000)).toBe(true);
    expect(renewedSince(two, 6_001, 7_000, 10_000)).toBe(false);
    expect(renewedSince(two, 6_000, 16_999, 10_000)).toBe(true);
    expect(renewedSince(two, 6_000, 17_000, 10_000)).toBe(false);
    expect(renewedSince(undefined, 0, 0, 10_000)).toBe(false);
  });

  it('freshByClock compares the renewTime with this clock, within the duration', () => {
    const seen = observeLease(undefined, 1_000, 0);
    expect(freshByClock(seen, 10_999, 10_000)).toBe(true);
    expect(freshByClock(seen, 11_000, 10_000)).toBe(false);
    expect(freshByClock(undefined, 0, 10_000)).toBe(false);
  });
});
