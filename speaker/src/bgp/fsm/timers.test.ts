import { Deadlines, keepaliveSec, negotiatedHoldSec } from './timers';

describe('negotiated timers', () => {
  it.each([
    [90, 180, 90],
    [180, 90, 90],
    [0, 90, 0],
    [90, 0, 0],
    [3, 3, 3],
  ])('hold min(%i, %i) = %i', (ours, theirs, want) => {
    expect(negotiatedHoldSec(ours, theirs)).toBe(want);
  });

  it.each<[number, number, number | undefined, number]>([
    [90, 90, undefined, 30],
    [10, 90, undefined, 3],
    [3, 90, undefined, 1],
    [0, 90, undefined, 0],
    [0, 90, 30, 0],
    [90, 90, 20, 20],
    [45, 90, 20, 10],
    [9, 90, 20, 2],
    [3, 90, 20, 1],
    [30, 90, 0, 10],
  ])('keepalive for hold %i (ours %i, configured %p) = %i', (hold, ours, configured, want) => {
    expect(keepaliveSec(hold, ours, configured)).toBe(want);
  });
});

describe('Deadlines', () => {
  it('reports the earliest, pops due ones earliest first, ties in arming order', () => {
    const d = new Deadlines<'a' | 'b' | 'c'>();
    expect(d.next()).toBeUndefined();
    d.set('b', 20);
    d.set('a', 10);
    d.set('c', 20);
    expect(d.next()).toBe(10);
    expect(d.has('a')).toBe(true);
    expect(d.popDue(9)).toBeUndefined();
    expect(d.popDue(20)).toBe('a');
    expect(d.has('a')).toBe(false);
    expect(d.popDue(20)).toBe('b');
    expect(d.popDue(20)).toBe('c');
    expect(d.popDue(20)).toBeUndefined();
    expect(d.next()).toBeUndefined();
  });

  it('re-arming moves a deadline; clear and clearAll remove', () => {
    const d = new Deadlines<'a' | 'b'>();
    d.set('a', 10);
    d.set('a', 30);
    d.set('b', 20);
    expect(d.next()).toBe(20);
    d.clear('b');
    expect(d.next()).toBe(30);
    d.clearAll();
    expect(d.next()).toBeUndefined();
  });
});
