import { StallClock } from './stall';

describe('StallClock', () => {
  it('is the raw clock while callbacks run at least every tick', () => {
    const c = new StallClock(20, 1_000);
    for (let t = 1_000; t < 2_000; t += 7) expect(c.observe(t)).toBe(t);
    expect(c.stalledMs).toBe(0);
  });

  it('leaves out a stall: the time between two callbacks beyond one tick, when it exceeds two', () => {
    const c = new StallClock(20, 1_000);
    c.observe(1_000);
    c.observe(1_020);
    // Frozen from about 1,020 to 1,390 (SIGSTOP, a busy CPU): the loop ran nothing for 370 ms.
    expect(c.observe(1_390)).toBe(1_040);
    expect(c.stalledMs).toBe(350);
    expect(c.observe(1_400)).toBe(1_050);
    // A tick a little late (up to two ticks between callbacks) is not a stall.
    expect(c.observe(1_440)).toBe(1_090);
    expect(c.stalledMs).toBe(350);
    expect(c.stalls).toBe(1);
  });

  it('never runs backwards or repeats a stall, whoever reads it', () => {
    const c = new StallClock(20, 0);
    c.observe(0);
    const a = c.observe(500);
    const b = c.observe(500);
    const d = c.observe(499); // a raw clock never does this; the running clock holds still
    expect([a, b, d]).toEqual([20, 20, 20]);
  });
});
