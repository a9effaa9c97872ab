import { RejectLog } from './rejectLog';

describe('RejectLog', () => {
  it('says the first rejection of each sender at once, then at most one line per sender and minute', () => {
    const log = new RejectLog(60_000);
    expect(log.note('198.51.100.100', 'badSignature', 0)).toEqual({
      sender: '198.51.100.100',
      counts: { badSignature: 1 },
    });
    expect(log.note('198.51.100.100', 'badSignature', 10)).toBeUndefined();
    expect(log.note('198.51.100.100', 'replayed', 20)).toBeUndefined();
    expect(log.note('198.51.100.101', 'replayed', 30)).toEqual({ sender: '198.51.100.101', counts: { replayed: 1 } });
    expect(log.note('198.51.100.100', 'badSignature', 59_999)).toBeUndefined();
    // A minute after its last line: one more, with what was held back since.
    expect(log.note('198.51.100.100', 'badSignature', 60_000)).toEqual({
      sender: '198.51.100.100',
      counts: { badSignature: 3, replayed: 1 },
    });
    expect(log.note('198.51.100.100', 'badSignature', 60_001)).toBeUndefined();
  });

  it('keeps at most maxSenders senders, forgetting the quiet ones first (spoofed sources cannot grow it)', () => {
    const log = new RejectLog(60_000, 3);
    for (let i = 0; i < 1_000; i++) log.note(`203.0.113.${i % 250}`, 'malformed', i);
    expect(log.size).toBe(3);
    // A sender just forgotten is told again: a bounded memory costs at most an extra line.
    expect(log.note('203.0.113.0', 'malformed', 1_000)).toEqual({ sender: '203.0.113.0', counts: { malformed: 1 } });
  });

  it('a sender active again, even only held back, is remembered over one quiet since', () => {
    const log = new RejectLog(60_000, 2);
    log.note('198.51.100.1', 'malformed', 0);
    log.note('198.51.100.2', 'malformed', 1);
    expect(log.note('198.51.100.1', 'malformed', 2)).toBeUndefined();
    // A third sender: the one quiet longest (.2) is forgotten, .1 is still held back within its minute.
    log.note('198.51.100.3', 'malformed', 3);
    expect(log.note('198.51.100.1', 'malformed', 4)).toBeUndefined();
    expect(log.note('198.51.100.2', 'malformed', 5)).toEqual({ sender: '198.51.100.2', counts: { malformed: 1 } });
  });

  it('by default: one line per sender and minute, and 1,024 senders remembered', () => {
    const log = new RejectLog();
    expect(log.note('203.0.113.1', 'malformed', 0)).toBeDefined();
    expect(log.note('203.0.113.1', 'malformed', 59_999)).toBeUndefined();
    expect(log.note('203.0.113.1', 'malformed', 60_000)).toEqual({ sender: '203.0.113.1', counts: { malformed: 2 } });
    for (let i = 0; i < 2_000; i++) log.note(`sender-${i}`, 'malformed', 60_001 + i);
    expect(log.size).toBe(1_024);
  });
});
