import { restartDelayMs } from './kubelet';

describe('restartDelayMs', () => {
  test('the first restart at once, then 10 s doubling', () => {
    expect([0, 1, 2, 3, 4, 5].map(restartDelayMs)).toEqual([0, 10_000, 20_000, 40_000, 80_000, 160_000]);
  });

  test('capped at 5 minutes from the sixth restart on', () => {
    expect([6, 7, 20, 1000].map(restartDelayMs)).toEqual([300_000, 300_000, 300_000, 300_000]);
  });
});
