import { COLD_START_WAIT_MS, firstPlanDelay } from './coldStart';

describe('firstPlanDelay', () => {
  it('plans at once when no peer is starting (a restart among running speakers)', () => {
    expect(firstPlanDelay(1_000, 1_000, new Set())).toBe(0);
  });

  it('waits for peers starting too (alive, not ready yet), at most COLD_START_WAIT_MS after this one got ready', () => {
    expect(firstPlanDelay(1_000, 1_000, new Set(['node2']))).toBe(COLD_START_WAIT_MS);
    expect(firstPlanDelay(1_000, 1_000 + COLD_START_WAIT_MS - 10, new Set(['node2']))).toBe(10);
    expect(firstPlanDelay(1_000, 1_000 + COLD_START_WAIT_MS, new Set(['node2']))).toBe(0);
  });

  it('waits less than a released IP is answered for, so a stand-in covers the wait', () => {
    expect(COLD_START_WAIT_MS).toBeLessThan(1_000);
  });
});
