import { connectRetryDelayMs, idleHoldMs } from './backoff';

const fixed = (r: number) => () => r;

describe('connect retry backoff', () => {
  it('starts at the first interval and doubles to 60 s (random 1 - ε: the top of the jitter)', () => {
    const top = fixed(1 - 1e-12);
    expect([0, 1, 2, 3, 4, 5, 20, 1000].map((n) => connectRetryDelayMs(n, 5000, top))).toEqual([
      5000, 10000, 20000, 40000, 60000, 60000, 60000, 60000,
    ]);
  });

  it('jitters by a factor in [0.75, 1.0) drawn from the injected random', () => {
    expect(connectRetryDelayMs(0, 5000, fixed(0))).toBe(3750);
    expect(connectRetryDelayMs(0, 5000, fixed(0.5))).toBe(4375);
    expect(connectRetryDelayMs(2, 5000, fixed(0))).toBe(15000);
    expect(connectRetryDelayMs(9, 5000, fixed(0))).toBe(45000);
  });

  it('keeps a first interval above 60 s as its own cap', () => {
    expect(connectRetryDelayMs(0, 90000, fixed(0))).toBe(67500);
    expect(connectRetryDelayMs(3, 90000, fixed(0))).toBe(67500);
  });

  it('honours a short configured interval', () => {
    expect([0, 1, 2].map((n) => connectRetryDelayMs(n, 1000, fixed(0)))).toEqual([750, 1500, 3000]);
  });
});

describe('idle hold (DampPeerOscillations)', () => {
  it('is 1 s after the first error, doubling to 120 s', () => {
    expect([1, 2, 3, 4, 7, 8, 9, 100].map(idleHoldMs)).toEqual([1000, 2000, 4000, 8000, 64000, 120000, 120000, 120000]);
  });

  it('treats 0 errors like the first', () => {
    expect(idleHoldMs(0)).toBe(1000);
  });
});
