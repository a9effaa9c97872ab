import { PlanPacer, type PacerClock } from './planPacer';

/** A clock whose time moves only when told, firing due timers in order. */
function manualClock() {
  let now = 1_000;
  let timers: { at: number; fn: () => void; id: NodeJS.Timeout }[] = [];
  let serial = 0;
  const clock: PacerClock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = { serial: serial++ } as unknown as NodeJS.Timeout;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (t) => void (timers = timers.filter((x) => x.id !== t)),
  };
  const advance = (ms: number): void => {
    now += ms;
    for (;;) {
      const due = timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at)[0];
      if (!due) return;
      timers = timers.filter((t) => t !== due);
      due.fn();
    }
  };
  return { clock, advance, pending: () => timers.length };
}

/** A pacer whose schedule() makes the plan at once (records when), as the loop's next turn would. */
function paced(gap = 100) {
  const c = manualClock();
  const plans: number[] = [];
  const pacer: PlanPacer = new PlanPacer(
    gap,
    () => {
      plans.push(c.clock.now());
      pacer.planned();
    },
    c.clock,
  );
  return { ...c, pacer, plans };
}

describe('PlanPacer', () => {
  it('plans the first change at once', () => {
    const p = paced();
    p.pacer.changed();
    expect(p.plans).toEqual([1_000]);
  });

  it('holds changes within the gap of the last plan until the gap has passed, as one plan', () => {
    const p = paced();
    p.pacer.changed();
    p.advance(10);
    for (let i = 0; i < 50; i++) p.pacer.changed();
    expect(p.plans).toEqual([1_000]);
    p.advance(89);
    expect(p.plans).toEqual([1_000]);
    p.advance(1);
    expect(p.plans).toEqual([1_000, 1_100]);
    expect(p.pending()).toBe(0);
  });

  it('plans at once again once the gap has passed', () => {
    const p = paced();
    p.pacer.changed();
    p.advance(100);
    p.pacer.changed();
    expect(p.plans).toEqual([1_000, 1_100]);
  });

  it('counts the gap from any plan, also one made for another reason', () => {
    const p = paced();
    p.advance(500);
    p.pacer.planned(); // a liveness change planned at 1,500
    p.advance(30);
    p.pacer.changed();
    expect(p.plans).toEqual([]);
    p.advance(70);
    expect(p.plans).toEqual([1_600]);
  });

  it('stop() drops the plan it was holding', () => {
    const p = paced();
    p.pacer.changed();
    p.pacer.changed();
    p.pacer.stop();
    p.advance(1_000);
    expect(p.plans).toEqual([1_000]);
  });
});
