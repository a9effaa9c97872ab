import { analyzeTrial, dualAnswers, exclusiveSilence, longestGap, type ArpReply } from './l2Trials';

const A = '02:00:00:00:00:0a';
const B = '02:00:00:00:00:0b';
const C = '02:00:00:00:00:0c';

/** A reply every 10 ms from `from` (inclusive) to `to` (exclusive) from `mac`, seq = t / 10. */
const every10 = (from: number, to: number, mac: string): ArpReply[] =>
  Array.from({ length: Math.ceil((to - from) / 10) }, (_, i) => {
    const t = from + i * 10 + 0.3;
    return { t, ip: '198.51.100.200', mac, rttMs: 0.3, seq: Math.floor(t / 10) };
  });
const byTime = (...parts: ArpReply[][]): ArpReply[] => parts.flat().sort((x, y) => x.t - y.t);

describe('analyzeTrial', () => {
  it('measures the outage from the last old reply to the first new one, and a clean handback', () => {
    const replies = byTime(every10(0, 1000, A), every10(1450, 3000, B), every10(3000, 4000, A));
    const r = analyzeTrial(replies, A, { action: 1000, restore: 2500, end: 4000 }, 10);
    expect(r.newMac).toBe(B);
    expect(r.outageMs).toBeCloseTo(1450.3 - 990.3, 6);
    expect(r.dual).toEqual({ failover: 0, afterFailover: 0, handback: 0 });
    expect(r.oldAfterFailover).toBe(0);
    expect(r.handbackGapMs).toBeCloseTo(10, 6);
    expect(r.handbackOverlapMs).toBe(0);
  });

  it('counts two MACs for one request after the failover as split brain, and an overlapping handback', () => {
    const late: ArpReply = { t: 2000.8, ip: '198.51.100.200', mac: A, rttMs: 0.8, seq: 200 };
    const replies = byTime(every10(0, 1000, A), every10(1500, 3100, B), [late], every10(3000, 4000, A));
    const r = analyzeTrial(replies, A, { action: 1000, restore: 2500, end: 4000 }, 10);
    expect(r.dual.afterFailover).toBe(1);
    expect(r.oldAfterFailover).toBe(1);
    // B went on answering until 3090.3 while A was back from 3000.3.
    expect(r.dual.handback).toBe(10);
    expect(r.handbackOverlapMs).toBeCloseTo(90, 6);
  });

  it('has no outage when no other MAC answered before the restore', () => {
    const replies = byTime(every10(0, 1000, A), every10(2600, 3000, A));
    const r = analyzeTrial(replies, A, { action: 1000, restore: 2500, end: 3000 }, 10);
    expect(r.outageMs).toBeUndefined();
    expect(r.newMac).toBeUndefined();
    expect(r.handbackGapMs).toBeUndefined();
  });
});

describe('dualAnswers', () => {
  it('flags a request answered by two MACs once, and a slot with two MACs on different requests', () => {
    const mk = (t: number, mac: string, seq: number): ArpReply => ({ t, ip: 'x', mac, rttMs: 0, seq });
    const d = dualAnswers([mk(100.1, A, 10), mk(100.4, B, 10), mk(205, A, 20), mk(209, C, 21), mk(300, A, 30)], 10);
    expect(d).toEqual([
      { t: 100.1, macs: [A, B] },
      { t: 205, macs: [A, C] },
    ]);
  });
});

describe('longestGap', () => {
  it('includes the edges of the window', () => {
    const r = every10(0, 100, A);
    expect(longestGap(r, 0, 100)).toBeCloseTo(10, 6);
    expect(longestGap(r, 0, 200)).toBeCloseTo(200 - 90.3, 6);
    expect(longestGap([], 5, 25)).toBe(20);
  });
});

describe('exclusiveSilence', () => {
  const at = (ts: number[], mac = A): ArpReply[] => ts.map((t, i) => ({ t, ip: 'x', mac, rttMs: 0.1, seq: i }));
  const every = (from: number, to: number, step = 10): number[] =>
    Array.from({ length: Math.ceil((to - from) / step) }, (_, i) => from + i * step);

  it('is the whole silence when the other VIPs were answered throughout', () => {
    const target = at([...every(0, 300), ...every(450, 1000)]);
    const others = [at(every(0, 1000), B), at(every(5, 1000), C)];
    const s = exclusiveSilence(target, others, 0, 1000);
    expect(s.silenceMs).toBe(160);
    expect(s.silenceAt).toBe(290);
    expect(s.exclusiveMs).toBe(155);
    expect(s.at).toBe(290);
  });

  it('leaves out what every VIP went without at the same time (the machine, not the handover)', () => {
    // Everyone silent from 500 to 620; the target alone also from 620 to 650.
    const gapAll = (ts: number[]) => ts.filter((t) => t < 500 || t >= 620);
    const target = at(gapAll(every(0, 1000)).filter((t) => t < 500 || t >= 650));
    const others = [at(gapAll(every(0, 1000)), B)];
    const s = exclusiveSilence(target, others, 0, 1000);
    expect(s.silenceMs).toBe(160);
    expect(s.exclusiveMs).toBe(30);
  });

  it('with no other VIP, is the plain longest silence', () => {
    const target = at([0, 10, 20, 200, 210]);
    expect(exclusiveSilence(target, [], 0, 210)).toEqual({ silenceMs: 180, silenceAt: 20, exclusiveMs: 180, at: 20 });
  });
});
